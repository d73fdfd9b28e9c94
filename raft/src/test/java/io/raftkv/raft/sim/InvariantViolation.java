package io.raftkv.raft.sim;

/** A broken invariant, raised at the step that broke it. */
final class InvariantViolation extends RuntimeException {
    private final Invariant invariant;

    InvariantViolation(Invariant invariant, String detail) {
        super(invariant + ": " + detail);
        this.invariant = invariant;
    }

    InvariantViolation(Invariant invariant, String detail, Throwable cause) {
        super(invariant + ": " + detail, cause);
        this.invariant = invariant;
    }

    Invariant invariant() {
        return invariant;
    }
}
