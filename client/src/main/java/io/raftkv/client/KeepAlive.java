package io.raftkv.client;

/** A running keep-alive of one lease. Closing it stops renewals; the lease then expires by itself. */
public interface KeepAlive extends AutoCloseable {
  long leaseId();

  /** Whether the lease is still believed alive: renewed within its TTL and not reported lost. */
  boolean alive();

  @Override
  void close();
}
