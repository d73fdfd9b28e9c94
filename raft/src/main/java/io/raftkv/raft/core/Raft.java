package io.raftkv.raft.core;

import io.raftkv.raft.core.confchange.MembershipChange;
import io.raftkv.raft.core.log.RaftLog;
import io.raftkv.raft.core.progress.Progress;
import io.raftkv.raft.core.progress.ProgressTracker;
import io.raftkv.raft.storage.InitialState;
import io.raftkv.raft.storage.RaftLogStorage;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of one Raft node and the transitions shared by every role: terms, votes, ticks,
 * the term check every message goes through, and membership. What each role does with a
 * message lives in {@link FollowerBehaviour}, {@link CandidateBehaviour} and
 * {@link LeaderBehaviour}; turning state into {@link Ready}s lives in {@link DefaultRaftNode}.
 */
final class Raft {
    final RaftConfig config;
    final long id;
    final RaftLog log;
    final ProgressTracker tracker;

    long term;
    long vote;
    long lead;
    SoftState.Role role = SoftState.Role.FOLLOWER;

    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;

    /** The leader's own state for this term; null unless the role is LEADER. */
    LeaderState leaderState;

    /** Candidate: the term whose self-vote waits for the hard state to be persisted (0 when none). */
    long selfVotePendingTerm;

    final List<Message> messages = new ArrayList<>();
    final List<Message> messagesAfterPersist = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();

    final FollowerBehaviour follower = new FollowerBehaviour(this);
    final CandidateBehaviour candidate = new CandidateBehaviour(this);
    final LeaderBehaviour leader = new LeaderBehaviour(this);

    Raft(RaftConfig config, RaftLogStorage storage, long appliedIndex, ConfState appliedConf) {
        this.config = config;
        this.id = config.id();
        this.log = new RaftLog(storage);
        this.tracker = new ProgressTracker(config.maxInflightMessages(), config.maxInflightBytes());
        InitialState initial = storage.initialState();
        long snapshotIndex = storage.snapshot().index();
        // A state machine behind the storage's snapshot must restore from that snapshot first;
        // then the snapshot's membership is the one in force.
        ConfState conf = appliedIndex >= snapshotIndex ? appliedConf : initial.confState();
        log.initialize(initial.hardState().commit(), Math.max(appliedIndex, snapshotIndex));
        tracker.applyConf(conf, log.lastIndex() + 1);
        becomeFollower(initial.hardState().term(), 0);
        this.vote = initial.hardState().vote();
    }

    HardState hardState() {
        return new HardState(term, vote, log.committed());
    }

    SoftState softState() {
        return new SoftState(lead, role);
    }

    // ---- sending ----

    /** Messages that promise nothing about local durability: sent before the fsync. */
    void send(Message m) {
        messages.add(m);
    }

    /** Votes and append acknowledgements: sent only after this Ready's persist. */
    void sendAfterPersist(Message m) {
        if (config.hasBug(TestOnlyBug.ACK_BEFORE_PERSIST)) {
            messages.add(m);
        } else {
            messagesAfterPersist.add(m);
        }
    }

    /**
     * Drops the after-persist messages queued in an older term when we enter {@code newTerm}.
     * They describe state this same Ready may no longer persist: an append acknowledged in term
     * T can be truncated by a term T' > T leader before the Ready is cut, and the Ready would then
     * persist the truncation and still send "I hold index i of term T" to the deposed leader,
     * which would count a replica that no longer exists (seed 874). A vote granted in T no longer
     * matches the hard state persisted either. Within one term nothing is lost: a leader only
     * truncates entries past what it was acknowledged (they differ from its log), and a snapshot
     * it sends covers what it replaces. Dropping is what a lossy network may do anyway; the
     * leader of the old term retries or learns the new term.
     */
    private void dropStaleAfterPersist(long newTerm) {
        messagesAfterPersist.removeIf(m -> m.term() < newTerm);
    }

    // ---- role transitions ----

    private void reset(long newTerm) {
        if (term != newTerm) {
            dropStaleAfterPersist(newTerm);
            term = newTerm;
            vote = 0;
        }
        lead = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + config.random().nextInt(config.electionTicks());
        leaderState = null;
        tracker.resetVotes();
        tracker.resetProgress(log.lastIndex() + 1);
        selfVotePendingTerm = 0;
    }

    void becomeFollower(long newTerm, long newLead) {
        reset(newTerm);
        lead = newLead;
        role = SoftState.Role.FOLLOWER;
    }

    void becomePreCandidate() {
        if (role == SoftState.Role.LEADER) {
            throw new IllegalStateException("leader cannot become pre-candidate");
        }
        // Pre-vote changes neither term nor vote: a failed pre-vote disturbs nobody.
        tracker.resetVotes();
        lead = 0;
        role = SoftState.Role.PRE_CANDIDATE;
    }

    void becomeCandidate() {
        if (role == SoftState.Role.LEADER) {
            throw new IllegalStateException("leader cannot become candidate");
        }
        reset(term + 1);
        vote = id;
        role = SoftState.Role.CANDIDATE;
    }

    void becomeLeader() {
        if (role != SoftState.Role.CANDIDATE) {
            throw new IllegalStateException("only a candidate can become leader, not " + role);
        }
        reset(term);
        lead = id;
        role = SoftState.Role.LEADER;
        Progress self = tracker.progress(id);
        self.setMatch(log.stableLastIndex());
        self.becomeReplicate();
        self.setRecentActive(true);
        // No conf change until every entry of earlier terms in our log has been applied.
        leaderState = new LeaderState(log.lastIndex());
        // The no-op barrier: committing it commits everything before it (§5.4.2) and tells us our
        // commit index is current (§8), which ReadIndex and conf changes wait for.
        log.append(List.of(Entry.normal(term, log.lastIndex() + 1, new byte[0])));
    }

    boolean promotable() {
        return tracker.isVoter(id) && !log.hasPendingSnapshot();
    }

    boolean committedInCurrentTerm() {
        return log.termOrZero(log.committed()) == term;
    }

    // ---- ticks ----

    void tick() {
        if (role == SoftState.Role.LEADER) {
            leader.tick();
        } else {
            electionElapsed++;
            if (promotable() && electionElapsed >= randomizedElectionTimeout) {
                electionElapsed = 0;
                candidate.hup(false);
            }
        }
    }

    /**
     * The transport saw its connection to {@code peer} closed by the peer's host (reset or
     * refused, not a timeout): that process is gone. If it is our leader, waiting out the
     * election timeout only delays the next leader, so we stop honouring its lease (we grant
     * pre-votes again) and campaign within a few ticks. The delay is random in
     * [1, electionTicks/4] ticks so that the followers, who all see the reset at once, do not
     * split the vote.
     *
     * <p>Safety never rests on this input: it changes only when we campaign and whether we
     * grant pre-votes, and Raft is safe under any timing. A spurious reset (the leader is alive)
     * cannot depose it either: a pre-vote still needs a majority, and followers that hear the
     * leader keep refusing (stickiness), as the leader itself does. Without pre-vote we ignore
     * it, since a real campaign would raise the term and depose a leader that is alive.
     */
    void connectionReset(long peer) {
        if (role != SoftState.Role.FOLLOWER || peer == id || lead != peer || !config.preVote()) {
            return;
        }
        lead = 0;
        int spread = Math.max(1, config.electionTicks() / 4);
        int ticksToCampaign = 1 + config.random().nextInt(spread);
        electionElapsed = Math.max(electionElapsed, randomizedElectionTimeout - ticksToCampaign);
    }

    // ---- messages ----

    void step(Message m) {
        if (m.to() != id) {
            return; // misdirected
        }
        if (m.term() > term) {
            if (m instanceof Message.VoteRequest v) {
                boolean inLease = config.checkQuorum() && lead != 0 && electionElapsed < config.electionTicks();
                if (!v.leadershipTransfer() && inLease) {
                    // Leader stickiness: we heard from a live leader within the election timeout, so
                    // this candidate is disruptive (e.g. just rejoined from a partition).
                    return;
                }
            }
            if (m instanceof Message.VoteRequest v && v.preVote()) {
                // A pre-vote never changes our term.
            } else if (m instanceof Message.VoteResponse r && r.preVote() && r.granted()) {
                // A granted pre-vote carries the term we would campaign in; we bump on winning.
            } else if (m instanceof Message.AppendRequest || m instanceof Message.HeartbeatRequest
                    || m instanceof Message.InstallSnapshotRequest) {
                becomeFollower(m.term(), m.from());
            } else {
                becomeFollower(m.term(), 0);
            }
        } else if (m.term() < term) {
            if ((config.checkQuorum() || config.preVote())
                    && (m instanceof Message.AppendRequest || m instanceof Message.HeartbeatRequest)) {
                // A stale leader (e.g. after a partition healed) would never learn our term otherwise,
                // since with pre-vote or check-quorum we never bumped it by a vote it saw.
                send(new Message.AppendResponse(id, m.from(), term, false, 0, 0, 0));
            } else if (m instanceof Message.VoteRequest v && v.preVote()) {
                send(new Message.VoteResponse(id, m.from(), term, true, false));
            }
            return;
        }

        if (m instanceof Message.VoteRequest v) {
            handleVoteRequest(v);
            return;
        }
        if (m instanceof Message.ReadIndexResponse r) {
            // Valid in any role: the leader confirmed that index after our request was issued.
            if (!r.rejected()) {
                readStates.add(new ReadState(r.index(), r.context()));
            }
            return;
        }
        switch (role) {
            case LEADER -> leader.step(m);
            case CANDIDATE, PRE_CANDIDATE -> candidate.step(m);
            case FOLLOWER -> follower.step(m);
        }
    }

    private void handleVoteRequest(Message.VoteRequest m) {
        boolean canVote = vote == m.from()
                || (vote == 0 && lead == 0)
                || (m.preVote() && m.term() > term);
        boolean logOk = config.hasBug(TestOnlyBug.VOTE_WITHOUT_LOG_CHECK)
                || log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
        if (canVote && logOk) {
            sendAfterPersist(new Message.VoteResponse(id, m.from(), m.term(), m.preVote(), true));
            if (!m.preVote()) {
                electionElapsed = 0;
                vote = m.from();
            } else if (role == SoftState.Role.PRE_CANDIDATE && outranks(m)) {
                // Two pre-candidates that grant each other both go on to campaign and split the
                // vote, costing a whole election timeout: the one with the older log (then the
                // higher id) stands down. This happens when followers see their leader's
                // connection reset at the same instant. A pre-vote decides nothing for safety.
                becomeFollower(term, 0);
            }
        } else {
            sendAfterPersist(new Message.VoteResponse(id, m.from(), term, m.preVote(), false));
        }
    }

    /** Whether {@code m}'s candidate has a more up-to-date log than ours, or as up to date and a lower id. */
    private boolean outranks(Message.VoteRequest m) {
        long lastTerm = log.lastTerm();
        if (m.lastLogTerm() != lastTerm) {
            return m.lastLogTerm() > lastTerm;
        }
        if (m.lastLogIndex() != log.lastIndex()) {
            return m.lastLogIndex() > log.lastIndex();
        }
        return Long.compareUnsigned(m.from(), id) < 0;
    }

    // ---- membership ----

    ConfState applyConfChange(ConfChange change) {
        ConfState next = MembershipChange.apply(tracker.conf(), change);
        switchToConfig(next);
        return next;
    }

    void switchToConfig(ConfState conf) {
        tracker.applyConf(conf, log.lastIndex() + 1);
        if (role != SoftState.Role.LEADER) {
            return;
        }
        if (!tracker.isVoter(id)) {
            // Removed (its removal is committed and applied): hand over to a caught-up voter if one
            // exists so the cluster need not wait an election timeout, then step down.
            leader.handOverOnRemoval();
            becomeFollower(term, 0);
            return;
        }
        if (leaderState.leadTransferee != 0 && !tracker.isVoter(leaderState.leadTransferee)) {
            leaderState.leadTransferee = 0;
        }
        leader.onConfigChanged();
    }

    RaftNode.Status status() {
        return new RaftNode.Status(id, term, vote, role, lead, log.committed(), log.applied(), log.lastIndex(),
                tracker.conf());
    }
}
