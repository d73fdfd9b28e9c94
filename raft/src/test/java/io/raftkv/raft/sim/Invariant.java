package io.raftkv.raft.sim;

/** The properties the simulator checks; a violation names one of them. */
public enum Invariant {
    /** Two nodes were leader of the same term. */
    ELECTION_SAFETY,
    /** Two logs hold an entry with the same index and term but differ at or before it. */
    LOG_MATCHING,
    /** A leader's log lacks an entry committed in an earlier term. */
    LEADER_COMPLETENESS,
    /** Two nodes committed or applied different entries at one index. */
    STATE_MACHINE_SAFETY,
    /** After a crash and restart, a node's durable state lacks entries it had reported committed. */
    COMMITTED_ENTRY_LOST,
    /** A vote or an append acknowledgement left a node before what it promises was fsynced. */
    ACK_BEFORE_DURABLE,
    /** A node applied an entry that its own disk did not yet hold durably. */
    APPLY_BEFORE_DURABLE,
    /** A read index did not cover a write acknowledged before the read began. */
    READ_LINEARIZABILITY,
    /** An accepted proposal was reported at an index/term where another command was applied. */
    PROPOSAL_IDENTITY,
    /** After faults healed, no leader emerged within the bound. */
    LIVENESS_LEADER,
    /** After faults healed, a proposal stayed neither committed nor failed, or a read went unanswered. */
    LIVENESS_PROGRESS,
    /** The core threw an unexpected exception (a bug in the core or a contract the driver broke). */
    CORE_EXCEPTION
}
