package io.raftkv.client;

/**
 * How safely a call may be repeated on another endpoint after a failure that may have reached
 * the server. Decides {@link Failover}'s retry policy.
 */
enum Idempotency {
  /** Reads: retried on every UNAVAILABLE failure. */
  READ,
  /** Writes whose repetition has the same effect as one execution (defragment, alarm disarm): retried like reads. */
  IDEMPOTENT,
  /** Every other write: retried only when it certainly never left the client (connection refused). */
  MUTATION
}
