package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.Operation;
import java.util.Optional;

/**
 * A sequential specification for the linearizability checker. States must be immutable and
 * have value equality: the checker caches (linearized set, state) pairs.
 */
public interface Model<S> {
  S initial();

  /**
   * The state after applying {@code op} to {@code state}, or empty if {@code op}'s observed
   * result is impossible in {@code state}. For an indeterminate op only its effect matters.
   */
  Optional<S> step(S state, Operation op);

  /** Whether the op is checked at all (e.g. failed ops and indeterminate reads have no effect). */
  boolean matters(Operation op);

  /** How a state reads in an explanation. */
  default String show(S state) {
    return String.valueOf(state);
  }
}
