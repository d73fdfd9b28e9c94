package io.raftkv.raft.core;

import io.raftkv.raft.storage.RaftLogStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link RaftNode} over a {@link Raft}: turns its state into {@link Ready} batches and folds
 * the driver's {@link #advance(Ready)} back in (etcd's rawnode.go). This is where the durability
 * contract is kept: what counts only once persisted (our own vote, our own log copy as leader)
 * is acted on in {@code advance}, never before.
 */
final class DefaultRaftNode implements RaftNode {
    /** Bound on the committed entries handed out in one Ready, as a multiple of maxMessageBytes. */
    private static final long COMMITTED_BYTES_PER_READY_FACTOR = 64;

    private final Raft raft;
    private SoftState prevSoftState;
    private HardState prevHardState;
    /** Set between ready() and advance(): what that Ready handed out. */
    private Ready inFlight;
    /** The term whose self-vote the in-flight Ready persists (0 if it persists none). */
    private long inFlightSelfVoteTerm;

    DefaultRaftNode(RaftConfig config, RaftLogStorage storage, long appliedIndex, ConfState appliedConf) {
        this.raft = new Raft(config, storage, appliedIndex, appliedConf);
        this.prevSoftState = raft.softState();
        this.prevHardState = raft.hardState();
    }

    @Override
    public void tick() {
        raft.tick();
    }

    @Override
    public void step(Message message) {
        raft.step(message);
    }

    @Override
    public Proposal propose(byte[] data) {
        return raft.leader.propose(data);
    }

    @Override
    public Proposal proposeConfChange(ConfChange change) {
        return raft.leader.proposeConfChange(change);
    }

    @Override
    public ConfState applyConfChange(ConfChange change) {
        return raft.applyConfChange(change);
    }

    @Override
    public void readIndex(byte[] context) {
        if (raft.role == SoftState.Role.LEADER) {
            raft.leader.readIndexLocal(context);
        } else if (raft.lead == 0) {
            throw new ProposalRejectedException(ProposalRejectedException.Reason.NOT_LEADER, 0,
                    "node " + raft.id + " knows no leader to ask for a read index");
        } else {
            raft.send(new Message.ReadIndexRequest(raft.id, raft.lead, raft.term, context));
        }
    }

    @Override
    public void transferLeadership(long target) {
        raft.leader.transferLeadership(target);
    }

    @Override
    public void reportUnreachable(long peer) {
        if (raft.role == SoftState.Role.LEADER) {
            raft.leader.reportUnreachable(peer);
        }
    }

    @Override
    public void reportConnectionReset(long peer) {
        raft.connectionReset(peer);
    }

    @Override
    public void reportSnapshot(long peer, boolean succeeded) {
        if (raft.role == SoftState.Role.LEADER) {
            raft.leader.reportSnapshot(peer, succeeded);
        }
    }

    @Override
    public void onCompacted(long index) {
        // The driver snapshots what it applied; that may run ahead of advance(), never of the commit index.
        if (index > raft.log.committed()) {
            throw new IllegalArgumentException("compacted to " + index + " beyond commit " + raft.log.committed());
        }
        if (raft.role == SoftState.Role.LEADER) {
            raft.leader.onCompacted();
        }
    }

    @Override
    public boolean hasReady() {
        if (!raft.softState().equals(prevSoftState)) {
            return true;
        }
        HardState hs = raft.hardState();
        if (!hs.isEmpty() && !hs.equals(prevHardState)) {
            return true;
        }
        return raft.log.hasPendingSnapshot()
                || raft.log.hasUnstableEntries()
                || !raft.messages.isEmpty()
                || !raft.messagesAfterPersist.isEmpty()
                || !raft.readStates.isEmpty()
                || raft.log.hasNextCommittedEntries()
                || (raft.role == SoftState.Role.LEADER && (raft.leaderState.readQueue.hasQueued() || raft.leaderState.appendsPending));
    }

    @Override
    public Ready ready() {
        if (inFlight != null) {
            throw new IllegalStateException("advance() the previous Ready before asking for the next");
        }
        if (raft.role == SoftState.Role.LEADER) {
            raft.leader.flushAppends();
            raft.leader.flushReads();
        }
        SoftState soft = raft.softState();
        HardState hard = raft.hardState();
        List<Entry> entries = raft.log.unstableEntries();
        Optional<Snapshot> snapshot = raft.log.unstableSnapshot();
        List<Entry> committed = raft.log.nextCommittedEntries(
                COMMITTED_BYTES_PER_READY_FACTOR * raft.config.maxMessageBytes());
        boolean hardChanged = !hard.isEmpty() && !hard.equals(prevHardState);
        boolean mustSync = !entries.isEmpty() || snapshot.isPresent()
                || hard.term() != prevHardState.term() || hard.vote() != prevHardState.vote();
        Ready rd = new Ready(
                soft.equals(prevSoftState) ? Optional.empty() : Optional.of(soft),
                hardChanged ? Optional.of(hard) : Optional.empty(),
                snapshot,
                entries,
                new ArrayList<>(raft.messages),
                new ArrayList<>(raft.messagesAfterPersist),
                committed,
                new ArrayList<>(raft.readStates),
                mustSync);
        raft.messages.clear();
        raft.messagesAfterPersist.clear();
        raft.readStates.clear();
        prevSoftState = soft;
        if (hardChanged) {
            prevHardState = hard;
        }
        if (raft.role == SoftState.Role.LEADER) {
            raft.leader.reduceUncommitted(committed);
        }
        inFlight = rd;
        inFlightSelfVoteTerm = hardChanged && hard.vote() == raft.id ? hard.term() : 0;
        return rd;
    }

    @Override
    public void advance(Ready ready) {
        if (ready != inFlight) {
            throw new IllegalArgumentException("advance() must be given the Ready last returned by ready()");
        }
        inFlight = null;
        ready.snapshot().ifPresent(s -> {
            raft.log.stableSnapTo(s.index());
            raft.log.appliedTo(s.index());
        });
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            raft.log.stableTo(last.index(), last.term());
        }
        if (!ready.committedEntries().isEmpty()) {
            raft.log.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
        }
        // What waited for the persist now counts.
        if (raft.role == SoftState.Role.LEADER) {
            raft.leader.selfPersisted(raft.log.stableLastIndex());
        } else if (raft.role == SoftState.Role.CANDIDATE && inFlightSelfVoteTerm == raft.term) {
            raft.candidate.selfVotePersisted();
        }
    }

    @Override
    public Status status() {
        return raft.status();
    }

    @Override
    public String toString() {
        return "RaftNode" + raft.status();
    }
}
