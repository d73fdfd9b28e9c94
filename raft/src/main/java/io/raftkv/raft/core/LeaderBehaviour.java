package io.raftkv.raft.core;

import io.raftkv.raft.core.ProposalRejectedException.Reason;
import io.raftkv.raft.core.confchange.MembershipChange;
import io.raftkv.raft.core.progress.Progress;
import io.raftkv.raft.core.read.ReadIndexQueue;
import io.raftkv.raft.storage.LogCompactedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a leader does: replicate its log to each follower according to its {@link Progress},
 * advance the commit index, answer ReadIndex, accept proposals and membership changes, and
 * hand leadership over.
 */
final class LeaderBehaviour {
    private final Raft raft;

    LeaderBehaviour(Raft raft) {
        this.raft = raft;
    }

    // ---- time ----

    void tick() {
        raft.heartbeatElapsed++;
        raft.electionElapsed++;
        if (raft.electionElapsed >= raft.config.electionTicks()) {
            raft.electionElapsed = 0;
            if (raft.config.checkQuorum()) {
                if (!raft.tracker.quorumActive(raft.id)) {
                    // Check-quorum: we may be on the minority side of a partition; a leader that cannot
                    // reach a quorum must not keep clients believing it leads.
                    raft.becomeFollower(raft.term, 0);
                    return;
                }
                raft.tracker.forEach((peer, pr) -> pr.setRecentActive(peer == raft.id));
            }
            if (raft.leaderState.leadTransferee != 0) {
                raft.leaderState.leadTransferee = 0; // the transfer did not finish within an election timeout
            }
        }
        List<Long> snapshotRetries = new ArrayList<>();
        raft.tracker.forEach((peer, pr) -> {
            if (peer != raft.id && pr.snapshotTimedOut(raft.config.electionTicks())) {
                snapshotRetries.add(peer);
            }
        });
        for (long peer : snapshotRetries) {
            // The InstallSnapshot (or its answer) was probably lost: probe again, which resends it.
            raft.tracker.progress(peer).snapshotFailed();
            raft.tracker.progress(peer).becomeProbe();
            maybeSendAppend(peer, true);
        }
        if (raft.heartbeatElapsed >= raft.config.heartbeatTicks()) {
            raft.heartbeatElapsed = 0;
            broadcastHeartbeat(new byte[0]);
        }
    }

    // ---- replication ----

    void broadcastAppend() {
        raft.tracker.forEach((peer, pr) -> {
            if (peer != raft.id) {
                maybeSendAppend(peer, true);
            }
        });
    }

    void broadcastHeartbeat(byte[] context) {
        raft.tracker.forEach((peer, pr) -> {
            if (peer != raft.id) {
                // Never more than the follower is known to hold: its log past match may differ from ours.
                long commit = Math.min(pr.match(), raft.log.committed());
                raft.send(new Message.HeartbeatRequest(raft.id, peer, raft.term, commit, context));
            }
        });
    }

    /**
     * Sends {@code to} the entries it is missing, if its progress allows (not paused). With
     * {@code sendIfEmpty} an empty append still goes out (to probe, or to carry the commit index).
     */
    boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = raft.tracker.progress(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm;
        List<Entry> entries;
        try {
            prevTerm = raft.log.term(prevIndex);
            entries = pr.state() == Progress.State.REPLICATE || pr.match() + 1 == pr.next()
                    ? raft.log.entriesFrom(pr.next(), raft.config.maxMessageBytes())
                    // Probing an unknown position: one entry at most until we learn where logs match.
                    : raft.log.entriesFrom(pr.next(), 0);
        } catch (LogCompactedException e) {
            return sendSnapshot(to, pr);
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.sizeBytes();
        }
        raft.send(new Message.AppendRequest(raft.id, to, raft.term, prevIndex, prevTerm, entries,
                raft.log.committed()));
        pr.sentEntries(entries.size(), bytes);
        return true;
    }

    private boolean sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            return false; // do not ship a snapshot to a node that may be down; wait until it answers
        }
        Snapshot snap = raft.log.snapshot();
        if (snap.index() == 0) {
            throw new IllegalStateException("need a snapshot for node " + to + " but none exists");
        }
        raft.send(new Message.InstallSnapshotRequest(raft.id, to, raft.term, snap));
        pr.becomeSnapshot(snap.index());
        return true;
    }

    /** Advances the commit index to what a quorum holds; true if it moved. */
    boolean maybeCommit() {
        long quorumIndex = raft.tracker.committed();
        boolean moved;
        if (raft.config.hasBug(TestOnlyBug.COMMIT_OLD_TERM_BY_COUNTING)) {
            // Broken on purpose: counts replicas of entries of older terms too (figure 8).
            moved = quorumIndex > raft.log.committed() && quorumIndex <= raft.log.lastIndex();
            if (moved) {
                raft.log.commitTo(quorumIndex);
            }
        } else {
            // §5.4.2: only an entry of our own term is committed by counting replicas.
            moved = raft.log.maybeCommit(quorumIndex, raft.term);
        }
        if (moved && raft.committedInCurrentTerm()) {
            releaseHeldReads();
        }
        return moved;
    }

    /** Called from advance(): our own entries up to {@code stableIndex} are durable and count. */
    void selfPersisted(long stableIndex) {
        Progress self = raft.tracker.progress(raft.id);
        if (self != null && self.maybeUpdate(stableIndex) && maybeCommit()) {
            broadcastAppend();
        }
    }

    void onConfigChanged() {
        if (maybeCommit()) {
            broadcastAppend();
        } else {
            raft.tracker.forEach((peer, pr) -> {
                if (peer != raft.id) {
                    maybeSendAppend(peer, false);
                }
            });
        }
    }

    void handOverOnRemoval() {
        long best = 0;
        long lastIndex = raft.log.lastIndex();
        for (long voter : raft.tracker.conf().voters()) {
            Progress pr = raft.tracker.progress(voter);
            if (pr != null && pr.match() == lastIndex && (best == 0 || voter < best)) {
                best = voter;
            }
        }
        if (best != 0) {
            raft.send(new Message.TimeoutNow(raft.id, best, raft.term));
        }
    }

    // ---- messages ----

    void step(Message m) {
        if (m instanceof Message.AppendResponse r) {
            handleAppendResponse(r);
        } else if (m instanceof Message.HeartbeatResponse h) {
            handleHeartbeatResponse(h);
        } else if (m instanceof Message.ReadIndexRequest r) {
            handleReadIndexRequest(r);
        }
        // Votes for a term we already lead, and anything else, need no action.
    }

    private void handleAppendResponse(Message.AppendResponse m) {
        Progress pr = raft.tracker.progress(m.from());
        if (pr == null) {
            return;
        }
        pr.setRecentActive(true);
        if (m.rejected()) {
            long nextProbe = m.rejectHintIndex();
            if (m.rejectHintTerm() > 0) {
                // Skip every entry of ours whose term is above the follower's term at its hint index.
                nextProbe = raft.log.findConflictByTerm(m.rejectHintIndex(), m.rejectHintTerm()).index();
            }
            if (pr.maybeDecrTo(m.index(), nextProbe)) {
                if (pr.state() == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                maybeSendAppend(m.from(), true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.index()) && !(pr.match() == m.index() && pr.state() == Progress.State.PROBE)) {
            return;
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match() + 1 >= raft.log.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights().freeLE(m.index());
        }
        if (maybeCommit()) {
            broadcastAppend();
        } else if (wasPaused) {
            maybeSendAppend(m.from(), false);
        }
        // Pipelining: keep the window full.
        while (maybeSendAppend(m.from(), false)) {
            // each call sends one batch
        }
        if (m.from() == raft.leaderState.leadTransferee && pr.match() == raft.log.lastIndex()) {
            raft.send(new Message.TimeoutNow(raft.id, m.from(), raft.term));
        }
    }

    private void handleHeartbeatResponse(Message.HeartbeatResponse m) {
        Progress pr = raft.tracker.progress(m.from());
        if (pr == null) {
            return;
        }
        pr.setRecentActive(true);
        pr.onHeartbeatResponse();
        if (pr.match() < raft.log.lastIndex()) {
            maybeSendAppend(m.from(), true);
        }
        if (m.context().length > 0) {
            serve(raft.leaderState.readQueue.recvAck(m.from(), m.context(), raft.tracker.majority()));
        }
    }

    // ---- proposals ----

    private void requireLeader() {
        if (raft.role != SoftState.Role.LEADER) {
            throw new ProposalRejectedException(Reason.NOT_LEADER, raft.lead,
                    "node " + raft.id + " is not the leader (leader: " + raft.lead + ")");
        }
        if (raft.leaderState.leadTransferee != 0) {
            throw new ProposalRejectedException(Reason.LEADERSHIP_TRANSFER, raft.lead,
                    "node " + raft.id + " is transferring leadership to " + raft.leaderState.leadTransferee);
        }
    }

    Proposal propose(byte[] data) {
        requireLeader();
        return appendAndBroadcast(Entry.Type.NORMAL, data);
    }

    Proposal proposeConfChange(ConfChange change) {
        requireLeader();
        if (!raft.committedInCurrentTerm()) {
            // A conf change from a new leader before it committed in its term could overlap an
            // uncommitted change of a previous leader (the single-server-change bug, Ongaro 2015).
            throw new ProposalRejectedException(Reason.NOT_READY, raft.id,
                    "leader " + raft.id + " has not yet committed an entry of term " + raft.term);
        }
        if (raft.leaderState.pendingConfIndex > raft.log.applied()) {
            throw new ProposalRejectedException(Reason.CONF_CHANGE_IN_PROGRESS, raft.id,
                    "membership change at index " + raft.leaderState.pendingConfIndex + " is not yet applied (applied "
                            + raft.log.applied() + ")");
        }
        Optional<String> invalid = MembershipChange.validate(raft.tracker.conf(), change);
        if (invalid.isPresent()) {
            throw new ProposalRejectedException(Reason.INVALID_CONF_CHANGE, raft.id, invalid.get());
        }
        Proposal p = appendAndBroadcast(Entry.Type.CONF_CHANGE, change.encode());
        raft.leaderState.pendingConfIndex = p.index();
        return p;
    }

    private Proposal appendAndBroadcast(Entry.Type type, byte[] data) {
        Entry entry = new Entry(raft.term, raft.log.lastIndex() + 1, type, data);
        long max = raft.config.maxUncommittedBytes();
        // Like etcd, one entry is always let through when nothing is uncommitted, so an entry bigger
        // than the cap cannot wedge the leader.
        if (max > 0 && raft.leaderState.uncommittedBytes > 0 && raft.leaderState.uncommittedBytes + entry.sizeBytes() > max) {
            throw new ProposalRejectedException(Reason.UNCOMMITTED_LIMIT, raft.id,
                    "leader " + raft.id + " has " + raft.leaderState.uncommittedBytes + " uncommitted bytes; the cap is " + max);
        }
        raft.leaderState.uncommittedBytes += entry.sizeBytes();
        raft.log.append(List.of(entry));
        // Our own copy counts towards commit only once persisted (selfPersisted, from advance()).
        // Followers get it at the next ready(), batched with every other proposal made meanwhile.
        raft.leaderState.appendsPending = true;
        return new Proposal(entry.index(), entry.term());
    }

    /**
     * Sends the entries proposed since the last Ready: one batch per follower (up to
     * maxMessageBytes per message and the in-flight window), instead of one message per proposal.
     */
    void flushAppends() {
        if (!raft.leaderState.appendsPending) {
            return;
        }
        raft.leaderState.appendsPending = false;
        raft.tracker.forEach((peer, pr) -> {
            if (peer != raft.id) {
                while (maybeSendAppend(peer, false)) {
                    // fill the window
                }
            }
        });
    }

    /** Committed entries were handed out for applying: they no longer count as uncommitted. */
    void reduceUncommitted(List<Entry> committed) {
        long bytes = 0;
        for (Entry e : committed) {
            if (e.term() == raft.term && e.data().length > 0) {
                bytes += e.sizeBytes();
            }
        }
        raft.leaderState.uncommittedBytes = Math.max(0, raft.leaderState.uncommittedBytes - bytes);
    }

    // ---- ReadIndex ----

    void readIndexLocal(byte[] context) {
        if (!raft.committedInCurrentTerm()) {
            throw new ProposalRejectedException(Reason.NOT_READY, raft.id,
                    "leader " + raft.id + " has not yet committed an entry of term " + raft.term
                            + "; its commit index may be stale");
        }
        acceptRead(raft.id, context);
    }

    private void handleReadIndexRequest(Message.ReadIndexRequest m) {
        if (!raft.committedInCurrentTerm()) {
            raft.leaderState.heldReadRequests.add(m); // answered once our no-op commits
            return;
        }
        acceptRead(m.from(), m.context());
    }

    private void releaseHeldReads() {
        List<Message.ReadIndexRequest> held = raft.leaderState.heldReadRequests;
        raft.leaderState.heldReadRequests = new ArrayList<>();
        for (Message.ReadIndexRequest m : held) {
            acceptRead(m.from(), m.context());
        }
    }

    private void acceptRead(long from, byte[] context) {
        ReadIndexQueue.PendingRead request = new ReadIndexQueue.PendingRead(from, context);
        if (raft.tracker.isSingleVoter(raft.id)) {
            serve(List.of(new ReadIndexQueue.ServedRead(request, raft.log.committed())));
        } else if (raft.config.hasBug(TestOnlyBug.READ_INDEX_WITHOUT_QUORUM_CHECK)) {
            // Broken on purpose: a deposed leader that does not know it yet serves stale reads.
            serve(List.of(new ReadIndexQueue.ServedRead(request, raft.log.committed())));
        } else {
            raft.leaderState.readQueue.enqueue(from, context); // confirmed by the next round (flushReads)
        }
    }

    /** Starts one heartbeat round for every read queued since the last one (batching). */
    void flushReads() {
        raft.leaderState.readQueue.startRound(raft.log.committed(), raft.id).ifPresent(this::broadcastHeartbeat);
    }

    private void serve(List<ReadIndexQueue.ServedRead> served) {
        for (ReadIndexQueue.ServedRead s : served) {
            if (s.request().from() == raft.id) {
                raft.readStates.add(new ReadState(s.index(), s.request().context()));
            } else {
                raft.send(new Message.ReadIndexResponse(raft.id, s.request().from(), raft.term, s.index(),
                        s.request().context(), false));
            }
        }
    }

    // ---- leadership transfer ----

    void transferLeadership(long target) {
        if (raft.role != SoftState.Role.LEADER) {
            throw new ProposalRejectedException(Reason.NOT_LEADER, raft.lead,
                    "node " + raft.id + " is not the leader (leader: " + raft.lead + ")");
        }
        if (target == raft.id) {
            return; // already leading
        }
        Progress pr = raft.tracker.progress(target);
        if (pr == null || !raft.tracker.isVoter(target)) {
            throw new ProposalRejectedException(Reason.INVALID_TRANSFER_TARGET, raft.id,
                    "node " + target + (pr == null ? " is not a member" : " is a learner") + "; only a voter can lead");
        }
        if (raft.leaderState.leadTransferee == target) {
            return; // already under way
        }
        raft.leaderState.leadTransferee = target;
        // The transfer must finish within one election timeout, counted from now (see tick()).
        raft.electionElapsed = 0;
        if (pr.match() == raft.log.lastIndex()) {
            raft.send(new Message.TimeoutNow(raft.id, target, raft.term));
        } else {
            // Lagging: bring it up to date first; TimeoutNow follows its acknowledgement.
            maybeSendAppend(target, true);
        }
    }

    // ---- driver reports ----

    void reportUnreachable(long peer) {
        Progress pr = raft.tracker.progress(peer);
        if (pr != null && pr.state() == Progress.State.REPLICATE) {
            pr.becomeProbe();
        }
    }

    void reportSnapshot(long peer, boolean succeeded) {
        Progress pr = raft.tracker.progress(peer);
        if (pr == null || pr.state() != Progress.State.SNAPSHOT) {
            return;
        }
        if (!succeeded) {
            pr.snapshotFailed();
            pr.becomeProbe(); // the next probe decides again what the follower needs
        } else {
            pr.becomeProbe();
            maybeSendAppend(peer, true);
        }
    }

    /** The driver compacted the log: followers now behind the first index get a snapshot. */
    void onCompacted() {
        long first = raft.log.firstIndex();
        raft.tracker.forEach((peer, pr) -> {
            if (peer != raft.id && pr.state() != Progress.State.SNAPSHOT && pr.next() < first) {
                pr.becomeProbe();
                maybeSendAppend(peer, true);
            }
        });
    }
}
