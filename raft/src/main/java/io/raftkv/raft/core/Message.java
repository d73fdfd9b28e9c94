package io.raftkv.raft.core;

import java.util.List;

/**
 * Every message exchanged between Raft nodes. Each carries its sender, its recipient and the
 * sender's term. The transport delivers them with {@link RaftNode#step(Message)}; it may drop,
 * delay, duplicate or reorder them, and the core stays safe.
 */
public sealed interface Message {

    long from();

    long to();

    long term();

    /** RequestVote, or PreVote when {@code preVote} (then {@code term} is the term it would campaign in). */
    record VoteRequest(long from, long to, long term, boolean preVote, long lastLogIndex, long lastLogTerm,
                       boolean leadershipTransfer) implements Message {}

    record VoteResponse(long from, long to, long term, boolean preVote, boolean granted) implements Message {}

    /** AppendEntries: entries following (prevLogIndex, prevLogTerm), and the leader's commit index. */
    record AppendRequest(long from, long to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
                         long commit) implements Message {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Accepted: {@code index} is the last index now known to match the leader's log.
     * Rejected: {@code index} is the prevLogIndex that did not match, and
     * ({@code rejectHintIndex}, {@code rejectHintTerm}) lets the leader skip a whole conflicting term.
     */
    record AppendResponse(long from, long to, long term, boolean rejected, long index, long rejectHintIndex,
                          long rejectHintTerm) implements Message {}

    /** A leader's heartbeat; {@code context} carries a ReadIndex round's id (empty when none). */
    record HeartbeatRequest(long from, long to, long term, long commit, byte[] context) implements Message {}

    record HeartbeatResponse(long from, long to, long term, byte[] context) implements Message {}

    /** Sent instead of appends when the entries a follower needs were compacted away. */
    record InstallSnapshotRequest(long from, long to, long term, Snapshot snapshot) implements Message {}

    /** Leadership transfer: the recipient starts an election at once, skipping pre-vote. */
    record TimeoutNow(long from, long to, long term) implements Message {}

    /** A follower asks the leader for a read index on behalf of its own client. */
    record ReadIndexRequest(long from, long to, long term, byte[] context) implements Message {}

    /** The leader's answer; {@code rejected} when it could not serve (then the follower's caller retries). */
    record ReadIndexResponse(long from, long to, long term, long index, byte[] context, boolean rejected)
            implements Message {}
}
