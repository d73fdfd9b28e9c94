package io.raftkv.client;

/** Hears a keep-alive's renewals and the loss of its lease. Calls are never concurrent. */
public interface KeepAliveListener {
  default void onRenewed(long leaseId, long ttlSeconds) {}

  /**
   * The lease is gone: a {@link RaftKvException.LeaseNotFoundException} when the server says it
   * expired or was revoked, a {@link RaftKvException.RequestTimeoutException} when no renewal
   * succeeded within its TTL. Called once; the keep-alive stops.
   */
  void onLost(long leaseId, RaftKvException reason);
}
