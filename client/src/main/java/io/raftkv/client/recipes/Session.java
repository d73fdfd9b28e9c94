package io.raftkv.client.recipes;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.KeepAlive;
import io.raftkv.client.KeepAliveListener;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import java.util.concurrent.CompletableFuture;

/**
 * A lease kept alive for as long as its owner lives, like etcd's {@code concurrency.Session}:
 * locks and election candidacies are keys attached to it, so they vanish when the owner dies
 * (stops renewing) or closes the session (revokes the lease).
 */
public final class Session implements AutoCloseable {
  private final RaftKvClient client;
  private final long leaseId;
  private final long ttlSeconds;
  private final KeepAlive keepAlive;
  private final CompletableFuture<RaftKvException> lost = new CompletableFuture<>();

  private Session(RaftKvClient client, long leaseId, long ttlSeconds) {
    this.client = client;
    this.leaseId = leaseId;
    this.ttlSeconds = ttlSeconds;
    this.keepAlive = client.lease().keepAlive(leaseId, new KeepAliveListener() {
      @Override
      public void onLost(long id, RaftKvException reason) {
        lost.complete(reason);
      }
    });
  }

  /** Grants a lease of {@code ttlSeconds} and keeps it alive. */
  public static Session open(RaftKvClient client, long ttlSeconds) {
    long id = BlockingClient.await(client.lease().grant(ttlSeconds)).id();
    return new Session(client, id, ttlSeconds);
  }

  /** Keeps an existing lease alive as a session. */
  public static Session attach(RaftKvClient client, long leaseId, long ttlSeconds) {
    return new Session(client, leaseId, ttlSeconds);
  }

  public RaftKvClient client() {
    return client;
  }

  public long leaseId() {
    return leaseId;
  }

  public long ttlSeconds() {
    return ttlSeconds;
  }

  /** Completes, with the reason, when the lease is lost (expired or revoked). */
  public CompletableFuture<RaftKvException> lost() {
    return lost;
  }

  public boolean alive() {
    return !lost.isDone() && keepAlive.alive();
  }

  /** Stops the keep-alive without revoking: the lease expires after its TTL (simulates a crash). */
  public void abandon() {
    keepAlive.close();
  }

  /** Stops the keep-alive and revokes the lease, releasing every key attached to it at once. */
  @Override
  public void close() {
    keepAlive.close();
    try {
      BlockingClient.await(client.lease().revoke(leaseId));
    } catch (RaftKvException.LeaseNotFoundException alreadyGone) {
      // Expired before we revoked it: the keys are gone either way.
    }
  }
}
