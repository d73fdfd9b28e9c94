package io.raftkv.server.raft;

import static org.awaitility.Awaitility.await;

import io.raftkv.raft.core.Bootstrap;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.RaftConfig;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SoftState;
import io.raftkv.raft.storage.MemoryRaftLogStorage;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Production {@link RaftDriver}s, one per member, over in-memory logs, their messages handed to
 * each other in process (a message the {@link #drop} filter matches is lost, like a packet).
 * Members are numbered 1..n.
 */
public final class DriverCluster implements AutoCloseable {
    public static final long TICK_MILLIS = 10;
    private static final int ELECTION_TICKS = 50;

    private final Map<Long, RaftDriver> drivers = new TreeMap<>();
    private volatile Predicate<Message> drop = m -> false;
    /** What a member's Raft thread failed with (members of the ignoring kind only). */
    private AtomicReference<Throwable> raftFailure = new AtomicReference<>();

    /** {@code listeners} gives each member what its driver hands committed entries to. */
    public DriverCluster(int size, LongFunction<RaftDriverListener> listeners) {
        Set<Long> ids = new LinkedHashSet<>();
        for (long id = 1; id <= size; id++) {
            ids.add(id);
        }
        for (long id : ids) {
            MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
            Bootstrap.bootstrap(storage, ids);
            RaftConfig config = RaftConfig.builder(id, new Random(id)).electionTicks(ELECTION_TICKS)
                    .maxInflightBytes(0).build();
            RaftNode core = RaftNode.create(config, storage, 0, ConfState.EMPTY);
            drivers.put(id, new RaftDriver("m" + id, core, storage, this::deliver, listeners.apply(id), TICK_MILLIS,
                    ForkJoinPool.commonPool()));
        }
        drivers.values().forEach(RaftDriver::start);
    }

    /** Members that only run consensus: committed entries go nowhere. */
    public DriverCluster(int size) {
        this(size, new AtomicReference<>());
    }

    private DriverCluster(int size, AtomicReference<Throwable> raftFailure) {
        this(size, id -> new IgnoringListener(raftFailure));
        this.raftFailure = raftFailure;
    }

    public RaftDriver driver(long id) {
        return drivers.get(id);
    }

    /** From now on, messages matching {@code filter} are lost. */
    public void drop(Predicate<Message> filter) {
        this.drop = filter;
    }

    /** Waits until every member knows the same leader, and returns it. */
    public long awaitLeader() {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            long leader = 0;
            for (RaftDriver d : drivers.values()) {
                RaftNode.Status s = d.status();
                if (s.leaderId() == 0 || (leader != 0 && s.leaderId() != leader)) {
                    return 0L;
                }
                leader = s.leaderId();
            }
            return drivers.get(leader).status().role() == SoftState.Role.LEADER ? leader : 0L;
        }, leader -> leader != 0);
    }

    public long aFollower() {
        long leader = awaitLeader();
        return drivers.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    private void deliver(List<Message> messages) {
        for (Message m : messages) {
            RaftDriver to = drivers.get(m.to());
            if (to != null && !drop.test(m)) {
                to.step(m);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (RaftDriver d : drivers.values()) {
            d.close();
        }
        if (raftFailure.get() != null) {
            throw new AssertionError("the Raft thread of a test member failed", raftFailure.get());
        }
    }

    private static final class IgnoringListener implements RaftDriverListener {
        private final AtomicReference<Throwable> failure;

        IgnoringListener(AtomicReference<Throwable> failure) {
            this.failure = failure;
        }

        @Override
        public void onCommitted(List<Entry> entries, Map<Long, ConfState> confStates) {}

        @Override
        public void onSnapshotReceived(Snapshot snapshot) {}

        @Override
        public void onSoftState(SoftState state, long term) {}

        @Override
        public void onFailure(Throwable cause) {
            failure.compareAndSet(null, cause);
        }
    }
}
