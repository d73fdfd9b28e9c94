package io.raftkv.raft.core;

import io.raftkv.raft.storage.MemoryRaftLogStorage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A tiny in-test cluster of real {@link RaftNode}s for scenario tests: each member has a
 * {@link MemoryRaftLogStorage} and a trivial driver that persists, sends and applies every
 * {@link Ready} synchronously. Messages queue in one FIFO; tests deliver them, drop them, cut
 * links or hold them back. (The seeded fault-injecting simulator lives in the sim package.)
 */
final class TestNetwork {

    final class Member {
        final long id;
        final RaftConfig config;
        MemoryRaftLogStorage storage;
        RaftNode node;
        final List<Entry> applied = new ArrayList<>();
        ConfState appliedConf = ConfState.EMPTY;
        long appliedIndex;
        final List<ReadState> readStates = new ArrayList<>();

        Member(long id, RaftConfig config, MemoryRaftLogStorage storage) {
            this.id = id;
            this.config = config;
            this.storage = storage;
            this.node = RaftNode.create(config, storage, 0, ConfState.EMPTY);
        }

        RaftNode.Status status() {
            return node.status();
        }

        List<byte[]> appliedData() {
            List<byte[]> out = new ArrayList<>();
            for (Entry e : applied) {
                if (e.type() == Entry.Type.NORMAL && e.data().length > 0) {
                    out.add(e.data());
                }
            }
            return out;
        }
    }

    private final Map<Long, Member> members = new LinkedHashMap<>();
    /** The state machine (applied entries) captured by each snapshot, keyed by "index@term". */
    private final Map<String, List<Entry>> snapshotStates = new java.util.HashMap<>();
    private final Deque<Message> queue = new ArrayDeque<>();
    private final Set<List<Long>> cutLinks = new HashSet<>();
    private Predicate<Message> dropFilter = m -> false;
    /** Every message ever handed to the network, for assertions on traffic. */
    final List<Message> sent = new ArrayList<>();

    static RaftConfig config(long id, long seed) {
        return RaftConfig.builder(id, new Random(seed)).maxInflightBytes(0).maxUncommittedBytes(0).build();
    }

    /** A bootstrapped cluster of {@code voters}, all with the default test config. */
    static TestNetwork of(long... voters) {
        return of(id -> config(id, 1000 + id), voters);
    }

    static TestNetwork of(java.util.function.LongFunction<RaftConfig> configs, long... voters) {
        TestNetwork net = new TestNetwork();
        Set<Long> ids = new TreeSet<>();
        for (long v : voters) {
            ids.add(v);
        }
        for (long v : voters) {
            MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
            Bootstrap.bootstrap(storage, ids);
            net.members.put(v, net.new Member(v, configs.apply(v), storage));
        }
        net.processReadies();
        return net;
    }

    /** Adds a brand-new, empty node (to be added to the cluster by a conf change). */
    Member addEmptyNode(long id) {
        Member m = new Member(id, config(id, 1000 + id), new MemoryRaftLogStorage());
        members.put(id, m);
        return m;
    }

    Member member(long id) {
        return members.get(id);
    }

    RaftNode node(long id) {
        return members.get(id).node;
    }

    Set<Long> ids() {
        return members.keySet();
    }

    // ---- faults ----

    void cut(long a, long b) {
        cutLinks.add(List.of(a, b));
        cutLinks.add(List.of(b, a));
    }

    void cutOneWay(long from, long to) {
        cutLinks.add(List.of(from, to));
    }

    void isolate(long id) {
        for (long other : members.keySet()) {
            if (other != id) {
                cut(id, other);
            }
        }
    }

    void heal() {
        cutLinks.clear();
        dropFilter = m -> false;
    }

    void drop(Predicate<Message> filter) {
        dropFilter = filter;
    }

    /** Restarts a member from what its storage persisted; its state machine keeps what it applied. */
    void restart(long id) {
        Member m = members.get(id);
        m.node = RaftNode.create(m.config, m.storage, m.appliedIndex, m.appliedConf);
        queue.removeIf(msg -> msg.to() == id);
    }

    /** The member's driver snapshots its state machine at its applied index and compacts its log. */
    Snapshot compact(long id) {
        Member m = members.get(id);
        long index = m.appliedIndex;
        Snapshot snap = new Snapshot(new SnapshotMetadata(index, m.storage.term(index), m.appliedConf),
                Long.toString(index).getBytes());
        snapshotStates.put(index + "@" + snap.term(), List.copyOf(m.applied));
        m.storage.compact(snap);
        m.node.onCompacted(index);
        return snap;
    }

    // ---- driving ----

    /** Runs the trivial driver on every member until nobody has a Ready. */
    void processReadies() {
        boolean any = true;
        while (any) {
            any = false;
            for (Member m : members.values()) {
                while (m.node.hasReady()) {
                    any = true;
                    handleReady(m, m.node.ready());
                }
            }
        }
    }

    private void handleReady(Member m, Ready rd) {
        enqueue(rd.messages());
        rd.snapshot().ifPresent(s -> {
            m.storage.applySnapshot(s);
            m.appliedIndex = s.index();
            m.appliedConf = s.metadata().confState();
            m.applied.clear();
            m.applied.addAll(snapshotStates.get(s.index() + "@" + s.term()));
        });
        m.storage.append(rd.entries());
        rd.hardState().ifPresent(m.storage::setHardState);
        enqueue(rd.messagesAfterPersist());
        for (Entry e : rd.committedEntries()) {
            m.applied.add(e);
            m.appliedIndex = e.index();
            if (e.type() == Entry.Type.CONF_CHANGE) {
                m.appliedConf = m.node.applyConfChange(ConfChange.decode(e.data()));
            }
        }
        m.readStates.addAll(rd.readStates());
        m.node.advance(rd);
    }

    private void enqueue(List<Message> msgs) {
        for (Message msg : msgs) {
            sent.add(msg);
            queue.addLast(msg);
        }
    }

    /** Delivers queued messages (and the messages they cause) until the network is quiet. */
    void deliverAll() {
        processReadies();
        int budget = 1_000_000;
        while (!queue.isEmpty()) {
            if (--budget == 0) {
                throw new IllegalStateException("network never went quiet");
            }
            deliver(queue.pollFirst());
            processReadies();
        }
    }

    /** Delivers only the messages queued now, not those they cause. */
    void deliverQueued() {
        processReadies();
        List<Message> now = new ArrayList<>(queue);
        queue.clear();
        for (Message msg : now) {
            deliver(msg);
        }
        processReadies();
    }

    /** Removes and returns the queued messages (a test then delivers, reorders or drops them). */
    List<Message> takeQueued() {
        processReadies();
        List<Message> now = new ArrayList<>(queue);
        queue.clear();
        return now;
    }

    void deliver(Message msg) {
        Member to = members.get(msg.to());
        if (to == null || cutLinks.contains(List.of(msg.from(), msg.to())) || dropFilter.test(msg)) {
            return;
        }
        to.node.step(msg);
    }

    void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            members.get(id).node.tick();
            processReadies();
        }
    }

    /** Ticks every member once, then lets the network go quiet; repeated {@code times}. */
    void tickAll(int times) {
        for (int i = 0; i < times; i++) {
            for (Member m : members.values()) {
                m.node.tick();
            }
            deliverAll();
        }
    }

    /** Makes {@code id} leader: ticks only it until it campaigns, then lets the election finish. */
    void elect(long id) {
        Member m = members.get(id);
        for (int i = 0; i < 4 * m.config.electionTicks() && m.status().role() != SoftState.Role.LEADER; i++) {
            m.node.tick();
            deliverAll();
        }
        if (m.status().role() != SoftState.Role.LEADER) {
            throw new IllegalStateException("node " + id + " did not become leader: " + m.status());
        }
    }

    long tickAllAndLeader(int ticks) {
        tickAll(ticks);
        return leader();
    }

    long leader() {
        long found = 0;
        long bestTerm = -1;
        for (Member m : members.values()) {
            RaftNode.Status s = m.status();
            if (s.role() == SoftState.Role.LEADER && s.term() > bestTerm) {
                found = m.id;
                bestTerm = s.term();
            }
        }
        return found;
    }

    Proposal propose(long id, String data) {
        Proposal p = members.get(id).node.propose(data.getBytes());
        return p;
    }
}
