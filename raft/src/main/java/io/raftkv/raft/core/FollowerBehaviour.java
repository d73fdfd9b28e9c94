package io.raftkv.raft.core;

import io.raftkv.raft.core.log.RaftLog;

import java.util.OptionalLong;

/** What a follower does with messages from its leader, plus the handlers a candidate shares. */
final class FollowerBehaviour {
    private final Raft raft;

    FollowerBehaviour(Raft raft) {
        this.raft = raft;
    }

    void step(Message m) {
        if (m instanceof Message.AppendRequest a) {
            heardFromLeader(a.from());
            handleAppend(a);
        } else if (m instanceof Message.HeartbeatRequest h) {
            heardFromLeader(h.from());
            handleHeartbeat(h);
        } else if (m instanceof Message.InstallSnapshotRequest s) {
            heardFromLeader(s.from());
            handleSnapshot(s);
        } else if (m instanceof Message.TimeoutNow) {
            if (raft.promotable()) {
                // Leadership transfer: campaign at once, skipping pre-vote and the leader lease.
                raft.candidate.hup(true);
            }
        } else if (m instanceof Message.ReadIndexRequest r) {
            // Misrouted to a non-leader: refuse so the asker is not left waiting forever.
            raft.send(new Message.ReadIndexResponse(raft.id, r.from(), raft.term, 0, r.context(), true));
        }
        // Anything else is a response meant for a leader or candidate we no longer are: stale.
    }

    private void heardFromLeader(long leader) {
        raft.electionElapsed = 0;
        raft.lead = leader;
    }

    void handleAppend(Message.AppendRequest m) {
        RaftLog log = raft.log;
        if (m.prevLogIndex() < log.committed()) {
            // Everything up to our commit index matches any leader's log: tell it where we are.
            raft.sendAfterPersist(new Message.AppendResponse(raft.id, m.from(), raft.term, false,
                    log.committed(), 0, 0));
            return;
        }
        OptionalLong lastNew = log.maybeAppend(m.prevLogIndex(), m.prevLogTerm(), m.commit(), m.entries(),
                raft.config.hasBug(TestOnlyBug.APPEND_WITHOUT_PREV_TERM_CHECK));
        if (lastNew.isPresent()) {
            raft.sendAfterPersist(new Message.AppendResponse(raft.id, m.from(), raft.term, false,
                    lastNew.getAsLong(), 0, 0));
            return;
        }
        // Fast backoff (§5.3 optimisation): point the leader at the last index where our log could
        // match, skipping every entry of a term newer than the leader's prevLogTerm.
        long hintIndex = Math.min(m.prevLogIndex(), log.lastIndex());
        RaftLog.IndexTerm hint = log.findConflictByTerm(hintIndex, m.prevLogTerm());
        raft.sendAfterPersist(new Message.AppendResponse(raft.id, m.from(), raft.term, true, m.prevLogIndex(),
                hint.index(), hint.term()));
    }

    void handleHeartbeat(Message.HeartbeatRequest m) {
        // The leader sends min(our match, its commit), so this index is in our log and matches.
        raft.log.commitTo(Math.min(m.commit(), raft.log.lastIndex()));
        raft.send(new Message.HeartbeatResponse(raft.id, m.from(), raft.term, m.context()));
    }

    void handleSnapshot(Message.InstallSnapshotRequest m) {
        Snapshot snap = m.snapshot();
        if (restore(snap)) {
            raft.sendAfterPersist(new Message.AppendResponse(raft.id, m.from(), raft.term, false,
                    raft.log.lastIndex(), 0, 0));
        } else {
            raft.sendAfterPersist(new Message.AppendResponse(raft.id, m.from(), raft.term, false,
                    raft.log.committed(), 0, 0));
        }
    }

    /** Replaces our log with {@code snap} unless we already have everything it holds. */
    private boolean restore(Snapshot snap) {
        RaftLog log = raft.log;
        if (snap.index() <= log.committed()) {
            return false;
        }
        if (log.matchTerm(snap.index(), snap.term())) {
            // Our log already holds the snapshot's last entry: just learn that it is committed.
            log.commitTo(snap.index());
            return false;
        }
        log.restore(snap);
        raft.tracker.applyConf(snap.metadata().confState(), log.lastIndex() + 1);
        return true;
    }
}
