package io.raftkv.raft.core;

import io.raftkv.raft.core.quorum.MajorityConfig;
import io.raftkv.raft.storage.LogCompactedException;

/** Starting elections (pre-vote and real), and what a (pre-)candidate does with messages. */
final class CandidateBehaviour {
    private final Raft raft;

    CandidateBehaviour(Raft raft) {
        this.raft = raft;
    }

    /**
     * The election timeout fired, or a TimeoutNow arrived ({@code transfer}): start a pre-vote
     * (when enabled and not a transfer) or a real election.
     */
    void hup(boolean transfer) {
        if (raft.role == SoftState.Role.LEADER || !raft.promotable()) {
            return;
        }
        if (hasUnappliedConfChanges()) {
            // Our configuration may be about to change: campaigning under the old one could let
            // two configurations without a common quorum elect leaders (etcd's rule).
            return;
        }
        if (raft.config.preVote() && !transfer) {
            campaign(true, false);
        } else {
            campaign(false, transfer);
        }
    }

    private boolean hasUnappliedConfChanges() {
        if (raft.log.committed() <= raft.log.applied()) {
            return false;
        }
        try {
            for (Entry e : raft.log.slice(raft.log.applied() + 1, raft.log.committed() + 1, Long.MAX_VALUE)) {
                if (e.type() == Entry.Type.CONF_CHANGE) {
                    return true;
                }
            }
        } catch (LogCompactedException e) {
            return true;
        }
        return false;
    }

    private void campaign(boolean preVote, boolean transfer) {
        long voteTerm;
        if (preVote) {
            raft.becomePreCandidate();
            voteTerm = raft.term + 1;
            // Our own pre-vote changes no state, so it counts at once.
            raft.tracker.recordVote(raft.id, true);
            if (raft.tracker.tallyVotes() == MajorityConfig.VoteResult.WON) {
                campaign(false, transfer);
                return;
            }
        } else {
            raft.becomeCandidate();
            voteTerm = raft.term;
            // Our own vote counts only once the hard state recording it is durable (see advance).
            raft.selfVotePendingTerm = raft.term;
        }
        long lastIndex = raft.log.lastIndex();
        long lastTerm = raft.log.lastTerm();
        raft.tracker.forEach((peer, pr) -> {
            if (peer != raft.id && raft.tracker.isVoter(peer)) {
                raft.send(new Message.VoteRequest(raft.id, peer, voteTerm, preVote, lastIndex, lastTerm, transfer));
            }
        });
    }

    /** Called from advance(): the hard state holding our vote for ourselves is durable. */
    void selfVotePersisted() {
        if (raft.role == SoftState.Role.CANDIDATE && raft.selfVotePendingTerm == raft.term) {
            raft.selfVotePendingTerm = 0;
            poll(raft.id, true);
        }
    }

    void step(Message m) {
        if (m instanceof Message.AppendRequest a) {
            raft.becomeFollower(m.term(), m.from());
            raft.follower.handleAppend(a);
        } else if (m instanceof Message.HeartbeatRequest h) {
            raft.becomeFollower(m.term(), m.from());
            raft.follower.handleHeartbeat(h);
        } else if (m instanceof Message.InstallSnapshotRequest s) {
            raft.becomeFollower(m.term(), m.from());
            raft.follower.handleSnapshot(s);
        } else if (m instanceof Message.VoteResponse r) {
            boolean expectPreVote = raft.role == SoftState.Role.PRE_CANDIDATE;
            if (r.preVote() == expectPreVote) {
                poll(r.from(), r.granted());
            }
        } else if (m instanceof Message.ReadIndexRequest r) {
            raft.send(new Message.ReadIndexResponse(raft.id, r.from(), raft.term, 0, r.context(), true));
        }
        // TimeoutNow to a candidate is moot; responses to a past leadership are stale.
    }

    private void poll(long from, boolean granted) {
        if (!raft.tracker.isVoter(from)) {
            return; // learners never count
        }
        raft.tracker.recordVote(from, granted);
        switch (raft.tracker.tallyVotes()) {
            case WON -> {
                if (raft.role == SoftState.Role.PRE_CANDIDATE) {
                    campaign(false, false);
                } else {
                    raft.becomeLeader();
                    raft.leader.broadcastAppend();
                }
            }
            case LOST -> raft.becomeFollower(raft.term, 0);
            case PENDING -> {
            }
        }
    }
}
