package io.raftkv.raft.core;

/**
 * The core refused a proposal, read or membership change at once. Nothing was appended;
 * the caller may retry elsewhere or later.
 */
public final class ProposalRejectedException extends RuntimeException {

    public enum Reason {
        /** This node is not the leader; {@link #leaderHint()} names the leader if known (0 if not). */
        NOT_LEADER,
        /** A leadership transfer is in progress; proposals wait for the new leader. */
        LEADERSHIP_TRANSFER,
        /** The leader's uncommitted entries exceed the configured byte cap. */
        UNCOMMITTED_LIMIT,
        /** Another membership change is not yet applied. */
        CONF_CHANGE_IN_PROGRESS,
        /** The membership change itself is invalid (unknown node, removing the last voter, ...). */
        INVALID_CONF_CHANGE,
        /** A leadership transfer target that is not a voter, is lagging, or is unknown. */
        INVALID_TRANSFER_TARGET,
        /** The leader has not yet committed an entry of its own term. */
        NOT_READY
    }

    private final Reason reason;
    private final long leaderHint;

    public ProposalRejectedException(Reason reason, long leaderHint, String message) {
        super(message);
        this.reason = reason;
        this.leaderHint = leaderHint;
    }

    public Reason reason() {
        return reason;
    }

    public long leaderHint() {
        return leaderHint;
    }
}
