package io.raftkv.raft.core;

/**
 * Deliberately broken variants of the core, switched on only by tests (through
 * {@link RaftConfig#injectedBugs()}) to prove that the simulator catches each of them.
 * Production configuration never sets any.
 */
public enum TestOnlyBug {
    /** Commit an entry of an older term by counting replicas (Raft §5.4.2, figure 8). */
    COMMIT_OLD_TERM_BY_COUNTING,
    /** Grant a vote without checking that the candidate's log is at least as up to date. */
    VOTE_WITHOUT_LOG_CHECK,
    /** Put vote and append acknowledgements among the messages sent before the fsync. */
    ACK_BEFORE_PERSIST,
    /** Answer ReadIndex at once, without a quorum round confirming leadership. */
    READ_INDEX_WITHOUT_QUORUM_CHECK,
    /** Accept an AppendRequest without checking prevLogTerm (breaks log matching). */
    APPEND_WITHOUT_PREV_TERM_CHECK,
    /**
     * {@link ReadyProcessor}: hand every committed entry to apply before the Ready's fsync, those
     * this Ready itself writes included (a crash then leaves applied entries the log lost).
     */
    APPLY_BEFORE_DURABLE
}
