package io.raftkv.raft.sim;

import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.Proposal;
import io.raftkv.raft.core.RaftConfig;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.ReadState;
import io.raftkv.raft.core.Ready;
import io.raftkv.raft.core.ReadyProcessor;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SoftState;
import io.raftkv.raft.storage.RaftLogStorage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One simulated server: the driver loop around a {@link RaftNode} that the real server runs on
 * its Raft thread, here on simulated time. It ticks and hands each {@link Ready} to the same
 * {@link ReadyProcessor} the server uses (send, apply what is durable, write, fsync, send what
 * needed the fsync, apply the rest, advance); the fsync completes later in simulated time, and
 * while it is in flight the node takes no further Ready. A crash loses the unsynced writes and every
 * in-memory structure; a restart rebuilds the core from the durable disk and state machine.
 */
final class SimulatedNode implements SimulatedNetwork.Endpoint {

    private final long id;
    private final Simulation sim;
    private final SimulatedDisk disk;
    private final NodeStateMachine stateMachine = new NodeStateMachine();
    private final List<ReadState> readsAwaitingApply = new ArrayList<>();
    /** This incarnation's own accepted proposals by index: the "client" waiting for its answer. */
    private final Map<Long, Simulation.PendingProposal> ownProposals = new HashMap<>();

    private RaftNode raft;
    private ReadyProcessor ready;
    private boolean up;
    private boolean removed;
    private int incarnation;
    private boolean awaitingFsync;

    SimulatedNode(long id, Simulation sim, List<Entry> bootstrapEntries, HardState bootstrapHardState) {
        this.id = id;
        this.sim = sim;
        this.disk = new SimulatedDisk(bootstrapEntries, bootstrapHardState);
    }

    long id() {
        return id;
    }

    boolean isUp() {
        return up;
    }

    boolean isRemoved() {
        return removed;
    }

    int incarnation() {
        return incarnation;
    }

    boolean awaitingFsync() {
        return awaitingFsync;
    }

    NodeStateMachine stateMachine() {
        return stateMachine;
    }

    /** The log as the running node sees it (written, fsynced or not). */
    RaftLogStorage liveLog() {
        return disk.live();
    }

    /** What a crash would leave. */
    RaftLogStorage durableLog() {
        return disk.durable();
    }

    RaftNode.Status status() {
        return raft.status();
    }

    boolean isLeader() {
        return up && raft.status().role() == SoftState.Role.LEADER;
    }

    // ---- lifecycle ----

    void start() {
        RaftConfig config = sim.coreConfig(id);
        raft = guarded(() -> RaftNode.create(config, disk.live(), stateMachine.appliedIndex(), stateMachine.conf()));
        ready = new ReadyProcessor(raft, disk.writer(), this::send, new NodeApplier(), config.injectedBugs());
        up = true;
        int inc = incarnation;
        long firstTick = 1 + sim.random().nextInt(FaultProfile.TICK_MS);
        sim.queue().after(firstTick, "tick " + id, () -> tick(inc));
        sim.trace().log("start node " + id + " (applied " + stateMachine.appliedIndex() + ", log "
                + disk.live().firstIndex() + ".." + disk.live().lastIndex() + ", " + disk.live().initialState() + ")");
        drain();
    }

    /** Power loss: everything not fsynced and everything in memory is gone. */
    void crash() {
        if (!up) {
            return;
        }
        up = false;
        incarnation++;
        awaitingFsync = false;
        readsAwaitingApply.clear();
        ownProposals.clear();
        raft = null;
        ready = null;
        disk.crash();
        sim.trace().log("crash node " + id);
        sim.checker().checkDurableAfterCrash(id, disk.live(), stateMachine.appliedIndex());
    }

    void restart() {
        if (up || removed) {
            return;
        }
        start();
    }

    /** Taken out of service for good after its removal from the cluster. */
    void decommission() {
        crash();
        removed = true;
    }

    private void tick(int inc) {
        if (!up || inc != incarnation) {
            return;
        }
        guarded(() -> {
            raft.tick();
            return null;
        });
        drain();
        sim.queue().after(FaultProfile.TICK_MS, "tick " + id, () -> tick(inc));
    }

    // ---- inputs from the network and clients ----

    @Override
    public void deliver(Message message) {
        if (!up) {
            return;
        }
        guarded(() -> {
            raft.step(message);
            return null;
        });
        drain();
    }

    @Override
    public void snapshotOutcome(long peer, boolean delivered) {
        if (up) {
            guarded(() -> {
                raft.reportSnapshot(peer, delivered);
                return null;
            });
            drain();
        }
    }

    @Override
    public void unreachable(long peer) {
        if (up) {
            guarded(() -> {
                raft.reportUnreachable(peer);
                return null;
            });
            drain();
        }
    }

    @Override
    public void connectionReset(long peer) {
        if (up) {
            guarded(() -> {
                raft.reportConnectionReset(peer);
                return null;
            });
            drain();
        }
    }

    /** A client's write; returns where it landed, or throws the core's refusal. */
    Proposal propose(byte[] data, Simulation.PendingProposal pending) {
        Proposal p = raft.propose(data);
        ownProposals.put(p.index(), pending.at(p));
        drain();
        return p;
    }

    Proposal proposeConfChange(ConfChange change, Simulation.PendingProposal pending) {
        Proposal p = raft.proposeConfChange(change);
        ownProposals.put(p.index(), pending.at(p));
        drain();
        return p;
    }

    void readIndex(byte[] context) {
        raft.readIndex(context);
        drain();
    }

    void transferLeadership(long target) {
        raft.transferLeadership(target);
        drain();
    }

    /** Snapshots the state machine at its applied index and compacts the log up to there. */
    void compactIfDue(int threshold) {
        if (!up || awaitingFsync) {
            return;
        }
        long applied = stateMachine.appliedIndex();
        if (applied - disk.live().firstIndex() + 1 < threshold || applied > disk.live().lastIndex()) {
            return;
        }
        Snapshot snapshot = stateMachine.snapshot();
        sim.checker().observeSnapshot(id, snapshot.index(), stateMachine.chainHash());
        sim.trace().log("node " + id + " compacts up to " + applied);
        disk.compact(snapshot);
        guarded(() -> {
            raft.onCompacted(applied);
            return null;
        });
        drain();
    }

    // ---- the driver loop: the production ReadyProcessor on simulated time ----

    private void drain() {
        while (up && !awaitingFsync && guarded(() -> raft.hasReady())) {
            Ready rd = guarded(() -> raft.ready());
            trace(rd);
            rd.softState().ifPresent(soft -> {
                if (soft.role() == SoftState.Role.LEADER) {
                    sim.onNewLeader(this);
                }
            });
            boolean syncRequested = guarded(() -> ready.beginPersist(rd));
            observeWrites(rd);
            if (syncRequested && disk.hasUnsynced()) {
                awaitingFsync = true;
                int inc = incarnation;
                long delay = 1 + sim.random().nextInt(sim.profile().maxFsyncMs());
                sim.queue().after(delay, "fsync " + id, () -> fsyncDone(inc, rd));
            } else {
                guarded(() -> {
                    ready.finishPersist(rd);
                    return null;
                });
            }
        }
    }

    private void trace(Ready rd) {
        if (sim.trace().on()) {
            sim.trace().log("node " + id + " ready: hs=" + rd.hardState() + " entries=" + rd.entries()
                    + " snapshot=" + rd.snapshot().map(s -> s.index() + "@" + s.term())
                    + " committed=" + rd.committedEntries().size() + " msgs=" + rd.messages().size()
                    + " after=" + rd.messagesAfterPersist().size() + " sync=" + rd.mustSync());
        }
    }

    /** What the Ready wrote (fsynced or not), for the checks on logs and commits. */
    private void observeWrites(Ready rd) {
        if (!rd.entries().isEmpty()) {
            sim.checker().observeAppend(id, rd.entries(), disk.live());
        }
        rd.hardState().ifPresent(hs -> sim.checker().observeCommit(id, hs.term(), hs.commit(), disk.live()));
        RaftNode.Status status = guarded(() -> raft.status());
        if (status.role() == SoftState.Role.LEADER) {
            sim.checker().observeLeaderAppend(id, status.term(), rd.entries(), disk.live());
        }
    }

    private void fsyncDone(int inc, Ready rd) {
        if (!up || inc != incarnation) {
            return;
        }
        disk.fsync();
        guarded(() -> {
            ready.finishPersist(rd);
            return null;
        });
        awaitingFsync = false;
        drain();
    }

    private void send(List<Message> messages) {
        for (Message m : messages) {
            if (sim.settings().checkAckDurability()) {
                sim.checker().checkAckDurable(id, m, disk.live(), disk.durable());
            }
            sim.network().send(m);
        }
    }

    /** The applier the processor hands committed entries, snapshots and read states to. */
    private final class NodeApplier implements ReadyProcessor.Applier {
        @Override
        public void apply(List<Entry> committed, Map<Long, ConfState> confStates) {
            for (Entry e : committed) {
                SimulatedNode.this.apply(e, confStates.get(e.index()));
            }
            serveReads();
        }

        @Override
        public void restore(Snapshot snapshot) {
            SimulatedNode.this.restore(snapshot);
            serveReads();
        }

        @Override
        public void readStates(List<ReadState> readStates) {
            readsAwaitingApply.addAll(readStates);
            serveReads();
        }
    }

    private void restore(Snapshot snapshot) {
        if (snapshot.index() <= stateMachine.appliedIndex()) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "node " + id + " was handed snapshot "
                    + snapshot.index() + " to install over applied index " + stateMachine.appliedIndex());
        }
        sim.checker().observeSnapshot(id, snapshot.index(), NodeStateMachine.snapshotChainHash(snapshot));
        stateMachine.restore(snapshot);
        sim.trace().log("node " + id + " installed snapshot " + snapshot.index() + "@" + snapshot.term()
                + " conf " + snapshot.metadata().confState());
        // Proposals at or below the snapshot are decided by what the cluster applied there.
        for (Iterator<Map.Entry<Long, Simulation.PendingProposal>> it = ownProposals.entrySet().iterator();
                it.hasNext(); ) {
            if (it.next().getKey() <= snapshot.index()) {
                it.remove();
            }
        }
    }

    /** {@code changedConf}: the configuration a CONF_CHANGE entry produced in the core, else null. */
    private void apply(Entry e, ConfState changedConf) {
        sim.checker().checkApplyDurable(id, e, disk.durable());
        ConfState conf = stateMachine.conf();
        if (e.type() == Entry.Type.CONF_CHANGE) {
            conf = changedConf;
            ConfChange change = ConfChange.decode(e.data());
            sim.trace().log("node " + id + " applied conf change " + change.type() + " " + change.nodeId()
                    + " -> " + conf);
        }
        stateMachine.apply(e, conf);
        sim.checker().observeApply(id, e, stateMachine.chainHash());
        sim.onApplied(this, e);
        Simulation.PendingProposal mine = ownProposals.remove(e.index());
        if (mine != null) {
            sim.onOwnProposalOutcome(this, mine, e);
        }
    }

    private void serveReads() {
        for (Iterator<ReadState> it = readsAwaitingApply.iterator(); it.hasNext(); ) {
            ReadState rs = it.next();
            if (rs.index() <= stateMachine.appliedIndex()) {
                it.remove();
                sim.onReadServed(this, rs);
            }
        }
    }

    /** Runs a call into the core; anything it throws unexpectedly is a finding. */
    private <T> T guarded(Supplier<T> call) {
        try {
            return call.get();
        } catch (InvariantViolation e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvariantViolation(Invariant.CORE_EXCEPTION, "node " + id + " threw " + e, e);
        }
    }

}
