package io.raftkv.raft.sim;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.SoftState;
import io.raftkv.raft.storage.LogCompactedException;
import io.raftkv.raft.storage.RaftLogStorage;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Raft's safety properties, checked incrementally as the nodes act so that checking after every
 * step stays cheap. It keeps the cluster-wide record the properties are stated against: which
 * node led which term, every (index, term) ever written with its content and predecessor, the
 * committed entries and the applied ones.
 */
final class SafetyChecker {

    /** What an (index, term) pair stands for: log matching says both are unique per pair. */
    private record Written(long fingerprint, long prevTerm, long node) {}

    private record IndexTerm(long index, long term) {}

    /** {@code commitTerm}: the term of the first node seen to commit it, an upper bound of the true one. */
    private record Committed(long term, long fingerprint, long commitTerm, long node) {}

    private record Applied(long term, long fingerprint, long chainHash, long node) {}

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<IndexTerm, Written> written = new HashMap<>();
    private final Map<Long, Committed> committed = new HashMap<>();
    private final Map<Long, Applied> applied = new HashMap<>();
    private final Map<Long, Long> snapshotChains = new HashMap<>();
    private final Set<IndexTerm> leadersCheckedForCompleteness = new HashSet<>();
    /** Per node: the highest index already compared with the committed record. */
    private final Map<Long, Long> commitChecked = new HashMap<>();
    private long maxCommitted;

    /** Election safety: at most one leader per term. */
    void observeStatus(RaftNode.Status status) {
        if (status.role() != SoftState.Role.LEADER) {
            return;
        }
        Long previous = leaderOfTerm.putIfAbsent(status.term(), status.id());
        if (previous != null && previous != status.id()) {
            throw new InvariantViolation(Invariant.ELECTION_SAFETY, "nodes " + previous + " and " + status.id()
                    + " were both leader of term " + status.term());
        }
    }

    /**
     * Log matching, checked as entries are written: by induction, logs match iff every (index, term)
     * has one content and one predecessor term across the whole cluster's history.
     */
    void observeAppend(long node, List<Entry> entries, RaftLogStorage log) {
        for (Entry e : entries) {
            long prevTerm = termOrUnknown(log, e.index() - 1);
            Written now = new Written(Fingerprint.of(e), prevTerm, node);
            IndexTerm key = new IndexTerm(e.index(), e.term());
            Written before = written.putIfAbsent(key, now);
            if (before == null) {
                continue;
            }
            if (before.fingerprint != now.fingerprint) {
                throw new InvariantViolation(Invariant.LOG_MATCHING, "entry " + e.index() + "@" + e.term()
                        + " has different content on node " + node + " than on node " + before.node);
            }
            if (before.prevTerm >= 0 && prevTerm >= 0 && before.prevTerm != prevTerm) {
                throw new InvariantViolation(Invariant.LOG_MATCHING, "entry " + e.index() + "@" + e.term()
                        + " follows an entry of term " + prevTerm + " on node " + node + " but of term "
                        + before.prevTerm + " on node " + before.node);
            }
            if (before.prevTerm < 0 && prevTerm >= 0) {
                written.put(key, now);
            }
        }
    }

    /**
     * Records the entries up to {@code commit} on {@code node} as committed; two nodes committing
     * different entries at one index breaks state machine safety.
     */
    void observeCommit(long node, long term, long commit, RaftLogStorage log) {
        long from = Math.max(commitChecked.getOrDefault(node, 0L) + 1, log.firstIndex());
        long to = Math.min(commit, log.lastIndex());
        for (long i = from; i <= to; i++) {
            Entry e = log.entries(i, i + 1, Long.MAX_VALUE).get(0);
            Committed now = new Committed(e.term(), Fingerprint.of(e), term, node);
            Committed before = committed.get(i);
            if (before == null) {
                committed.put(i, now);
                maxCommitted = Math.max(maxCommitted, i);
            } else if (before.term != now.term || before.fingerprint != now.fingerprint) {
                throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "index " + i + " committed as "
                        + before.term + "-term entry on node " + before.node + " but as " + now.term
                        + "-term entry on node " + node);
            } else if (term < before.commitTerm) {
                committed.put(i, new Committed(before.term, before.fingerprint, term, before.node));
            }
        }
        commitChecked.put(node, Math.max(commitChecked.getOrDefault(node, 0L), to));
    }

    /**
     * Leader completeness, checked when a leader of {@code term} first writes an entry of its own
     * term: its log must hold every entry committed in an earlier term, before its own entries.
     */
    void observeLeaderAppend(long node, long term, List<Entry> entries, RaftLogStorage log) {
        long firstOwn = -1;
        for (Entry e : entries) {
            if (e.term() == term) {
                firstOwn = e.index();
                break;
            }
        }
        if (firstOwn < 0 || !leadersCheckedForCompleteness.add(new IndexTerm(node, term))) {
            return;
        }
        for (long i = Math.max(1, log.firstIndex()); i <= maxCommitted; i++) {
            Committed c = committed.get(i);
            if (c == null || c.commitTerm >= term) {
                continue;
            }
            if (i >= firstOwn) {
                throw new InvariantViolation(Invariant.LEADER_COMPLETENESS, "node " + node + " leads term " + term
                        + " and wrote its own entry at " + firstOwn + " over entry " + i + "@" + c.term
                        + " committed in term " + c.commitTerm + " or earlier");
            }
            long have = log.term(i);
            if (have != c.term) {
                throw new InvariantViolation(Invariant.LEADER_COMPLETENESS, "node " + node + " leads term " + term
                        + " with entry " + i + "@" + have + " where " + i + "@" + c.term + " was committed");
            }
        }
    }

    /** One voter's logs as the checks see them: what it runs with, and what a crash would leave. */
    record VoterLogs(long id, RaftLogStorage live, RaftLogStorage durable) {}

    /**
     * Leader completeness, checked ahead of time: when a leader commits {@code commit}, no voter
     * that lacks that entry may be able to win an election, i.e. gather votes from a majority of
     * voters whose durable logs (what they would restart with) are no more up to date than its own.
     * This is the property the commit rule exists for; a leader that commits an older term's
     * entry by counting replicas breaks it while a node holding a newer conflicting entry lives.
     */
    void checkCommitIsSafe(long leader, long leaderTerm, long commit, RaftLogStorage leaderLog, List<VoterLogs> voters) {
        if (commit < leaderLog.firstIndex() || commit > leaderLog.lastIndex() || voters.isEmpty()) {
            return;
        }
        long term = leaderLog.term(commit);
        int majority = voters.size() / 2 + 1;
        for (VoterLogs x : voters) {
            for (RaftLogStorage candidateLog : List.of(x.live(), x.durable())) {
                if (holds(candidateLog, commit, term)) {
                    continue;
                }
                long lastIndex = candidateLog.lastIndex();
                long lastTerm = termOrUnknown(candidateLog, lastIndex);
                int wouldVote = 0;
                for (VoterLogs v : voters) {
                    long vLast = v.durable().lastIndex();
                    long vTerm = termOrUnknown(v.durable(), vLast);
                    if (lastTerm > vTerm || (lastTerm == vTerm && lastIndex >= vLast)) {
                        wouldVote++;
                    }
                }
                if (wouldVote >= majority) {
                    throw new InvariantViolation(Invariant.LEADER_COMPLETENESS, "leader " + leader + " of term "
                            + leaderTerm + " committed " + commit + "@" + term + ", yet node " + x.id()
                            + " lacks it and could still be elected: its log ends at " + lastIndex + "@"
                            + lastTerm + ", no less up to date than the durable logs of " + wouldVote + " of "
                            + voters.size() + " voters");
                }
            }
        }
    }

    private static boolean holds(RaftLogStorage log, long index, long term) {
        if (index <= log.firstIndex() - 1) {
            return true; // inside its snapshot: it has the committed prefix
        }
        return index <= log.lastIndex() && log.term(index) == term;
    }

    /** State machine safety: every node applies the same entry at each index. */
    void observeApply(long node, Entry e, long chainHash) {
        long fp = Fingerprint.of(e);
        Committed c = committed.get(e.index());
        if (c != null && (c.term != e.term() || c.fingerprint != fp)) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "node " + node + " applied " + e.index()
                    + "@" + e.term() + " where node " + c.node + " committed " + e.index() + "@" + c.term);
        }
        Applied now = new Applied(e.term(), fp, chainHash, node);
        Applied before = applied.putIfAbsent(e.index(), now);
        if (before != null && (before.term != now.term || before.fingerprint != fp || before.chainHash != chainHash)) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "node " + node + " applied " + e.index()
                    + "@" + e.term() + " (state hash " + Long.toHexString(chainHash) + ") but node " + before.node
                    + " applied " + e.index() + "@" + before.term + " (state hash "
                    + Long.toHexString(before.chainHash) + ")");
        }
        Long snapChain = snapshotChains.get(e.index());
        if (snapChain != null && snapChain != chainHash) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "node " + node + " state at " + e.index()
                    + " differs from a snapshot taken there");
        }
    }

    /** A snapshot installed or taken must be the state every replica had at its index. */
    void observeSnapshot(long node, long index, long chainHash) {
        Applied a = applied.get(index);
        if (a != null && a.chainHash != chainHash) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "node " + node + " holds a snapshot at "
                    + index + " whose state differs from what node " + a.node + " applied there");
        }
        Long before = snapshotChains.putIfAbsent(index, chainHash);
        if (before != null && before != chainHash) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "two different snapshots at index " + index);
        }
    }

    /** The term an applied index holds, or -1 if no node applied it yet. */
    long appliedTerm(long index) {
        Applied a = applied.get(index);
        return a == null ? -1 : a.term;
    }

    long appliedFingerprint(long index) {
        Applied a = applied.get(index);
        return a == null ? 0 : a.fingerprint;
    }

    /**
     * After a crash: the durable state must still hold everything up to its durable commit index,
     * matching what the cluster committed.
     */
    void checkDurableAfterCrash(long node, RaftLogStorage durable, long appliedIndex) {
        HardState hs = durable.initialState().hardState();
        long snapshotIndex = durable.firstIndex() - 1;
        long coveredUpTo = Math.max(durable.lastIndex(), appliedIndex);
        if (hs.commit() > coveredUpTo) {
            throw new InvariantViolation(Invariant.COMMITTED_ENTRY_LOST, "node " + node + " restarts with commit "
                    + hs.commit() + " but its durable log ends at " + durable.lastIndex());
        }
        for (long i = Math.max(snapshotIndex + 1, 1); i <= Math.min(hs.commit(), durable.lastIndex()); i++) {
            Committed c = committed.get(i);
            if (c != null && durable.term(i) != c.term) {
                throw new InvariantViolation(Invariant.COMMITTED_ENTRY_LOST, "node " + node + " restarts with "
                        + i + "@" + durable.term(i) + " where " + i + "@" + c.term + " was committed");
            }
        }
        // It re-learns commit from its durable state: compare afresh.
        commitChecked.put(node, 0L);
    }

    /**
     * The durability contract: a granted vote and an accepted append are promises about the
     * voter's disk, so what they promise must already be fsynced when they leave.
     */
    void checkAckDurable(long node, Message m, RaftLogStorage live, RaftLogStorage durable) {
        if (m instanceof Message.VoteResponse v && v.granted() && !v.preVote()) {
            HardState hs = durable.initialState().hardState();
            if (hs.term() < v.term() || (hs.term() == v.term() && hs.vote() != v.to())) {
                throw new InvariantViolation(Invariant.ACK_BEFORE_DURABLE, "node " + node + " granted its vote in term "
                        + v.term() + " to " + v.to() + " while its durable hard state is " + hs);
            }
        } else if (m instanceof Message.AppendResponse a && !a.rejected()) {
            long index = a.index();
            if (index < durable.firstIndex() - 1 && index < live.firstIndex()) {
                return;
            }
            if (index > durable.lastIndex()) {
                throw new InvariantViolation(Invariant.ACK_BEFORE_DURABLE, "node " + node + " acknowledged index "
                        + index + " in term " + a.term() + " while its durable log ends at " + durable.lastIndex());
            }
            long durableTerm = termOrUnknown(durable, index);
            long liveTerm = termOrUnknown(live, index);
            if (durableTerm >= 0 && liveTerm >= 0 && durableTerm != liveTerm) {
                throw new InvariantViolation(Invariant.ACK_BEFORE_DURABLE, "node " + node + " acknowledged " + index
                        + "@" + liveTerm + " while its disk still holds " + index + "@" + durableTerm);
            }
        }
    }

    /**
     * Only what is durable here may be applied: the state machine survives a crash, so an entry
     * applied ahead of its own fsync would leave a restarted node applied past its log.
     */
    void checkApplyDurable(long node, Entry e, RaftLogStorage durable) {
        if (e.index() <= durable.firstIndex() - 1) {
            return;
        }
        long durableTerm = termOrUnknown(durable, e.index());
        if (durableTerm != e.term()) {
            throw new InvariantViolation(Invariant.APPLY_BEFORE_DURABLE, "node " + node + " applied " + e.index()
                    + "@" + e.term() + " while its durable log " + (durableTerm < 0
                    ? "ends at " + durable.lastIndex() : "holds " + e.index() + "@" + durableTerm));
        }
    }

    private static long termOrUnknown(RaftLogStorage log, long index) {
        if (index < 0) {
            return -1;
        }
        if (index == 0) {
            return 0;
        }
        try {
            return log.term(index);
        } catch (LogCompactedException | IndexOutOfBoundsException e) {
            return -1;
        }
    }
}
