package io.raftkv.jepsen.checker;

/**
 * A checker's answer, ordered by severity. UNKNOWN (a search exhausted its budget) is a
 * failure, never a pass.
 */
public enum Verdict {
  VALID, UNKNOWN, INVALID;

  /** The combined verdict of two checks: the more severe one. */
  public Verdict and(Verdict other) {
    return ordinal() >= other.ordinal() ? this : other;
  }
}
