package io.raftkv.client;

import io.raftkv.proto.etcd.LeaseGrantRequest;
import io.raftkv.proto.etcd.LeaseGrpc;
import io.raftkv.proto.etcd.LeaseLeasesRequest;
import io.raftkv.proto.etcd.LeaseRevokeRequest;
import io.raftkv.proto.etcd.LeaseTimeToLiveRequest;
import io.raftkv.proto.etcd.LeaseStatus;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Leases: grant, revoke, time-to-live, list, and managed keep-alives.
 *
 * <p>Failover: time-to-live, list and keep-alives are reads and always retried elsewhere.
 * Grant without an ID and revoke are writes, retried only when the request never left the
 * client; grant with an explicit ID is idempotent by construction (a repeat is refused, never
 * duplicated), but is still not repeated so that "lease already exists" keeps its meaning.
 */
public final class LeaseClient implements AutoCloseable {
  private final Failover failover;
  private final ScheduledExecutorService scheduler;
  private final Set<LeaseKeepAlive> keepAlives = ConcurrentHashMap.newKeySet();

  LeaseClient(Failover failover, ScheduledExecutorService scheduler) {
    this.failover = failover;
    this.scheduler = scheduler;
  }

  /** A lease granted by the server. {@code ttlSeconds} may be above what was asked for (etcd's minimum TTL). */
  public record Grant(Header header, long id, long ttlSeconds) {}

  /**
   * A lease's remaining life. {@code ttlSeconds} is -1 when the lease does not exist (expired,
   * revoked or never granted).
   */
  public record TimeToLive(Header header, long id, long ttlSeconds, long grantedTtlSeconds, List<ByteSequence> keys) {
    public TimeToLive {
      keys = List.copyOf(keys);
    }

    public boolean exists() {
      return ttlSeconds >= 0;
    }
  }

  public CompletableFuture<Grant> grant(long ttlSeconds) {
    return grant(ttlSeconds, 0);
  }

  /** Grants a lease with the given ID (0 lets the server choose). */
  public CompletableFuture<Grant> grant(long ttlSeconds, long id) {
    var request = LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).setID(id).build();
    return failover.call(Idempotency.MUTATION,
        (ch, d) -> LeaseGrpc.newFutureStub(ch).withDeadline(d).leaseGrant(request))
        .thenApply(r -> new Grant(Header.from(r.getHeader()), r.getID(), r.getTTL()));
  }

  /** Revokes the lease and deletes every key attached to it. */
  public CompletableFuture<Header> revoke(long id) {
    var request = LeaseRevokeRequest.newBuilder().setID(id).build();
    return failover.call(Idempotency.MUTATION,
        (ch, d) -> LeaseGrpc.newFutureStub(ch).withDeadline(d).leaseRevoke(request))
        .thenApply(r -> Header.from(r.getHeader()));
  }

  public CompletableFuture<TimeToLive> timeToLive(long id, boolean withKeys) {
    var request = LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(withKeys).build();
    return failover.call(Idempotency.READ,
        (ch, d) -> LeaseGrpc.newFutureStub(ch).withDeadline(d).leaseTimeToLive(request))
        .thenApply(r -> new TimeToLive(Header.from(r.getHeader()), r.getID(), r.getTTL(), r.getGrantedTTL(),
            r.getKeysList().stream().map(ByteSequence::of).toList()));
  }

  /** The IDs of every live lease. */
  public CompletableFuture<List<Long>> leases() {
    return failover.call(Idempotency.READ,
        (ch, d) -> LeaseGrpc.newFutureStub(ch).withDeadline(d).leaseLeases(LeaseLeasesRequest.getDefaultInstance()))
        .thenApply(r -> r.getLeasesList().stream().map(LeaseStatus::getID).toList());
  }

  /** Renews the lease once; completes with its new TTL, or fails with LeaseNotFoundException. */
  public CompletableFuture<Long> keepAliveOnce(long id) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    LeaseKeepAlive[] ka = new LeaseKeepAlive[1];
    ka[0] = new LeaseKeepAlive(failover, scheduler, id, new KeepAliveListener() {
      @Override
      public void onRenewed(long leaseId, long ttlSeconds) {
        result.complete(ttlSeconds);
        ka[0].close();
      }

      @Override
      public void onLost(long leaseId, RaftKvException reason) {
        result.completeExceptionally(reason);
      }
    }, () -> {});
    ka[0].start();
    return result;
  }

  /**
   * Keeps the lease alive, renewing every TTL/3, until the returned handle is closed (closing does
   * not revoke). The listener hears each renewal, and once {@code onLost} when the lease is gone:
   * the server answered TTL 0 (expired or revoked), or no renewal succeeded within the TTL.
   */
  public KeepAlive keepAlive(long id, KeepAliveListener listener) {
    LeaseKeepAlive[] self = new LeaseKeepAlive[1];
    self[0] = new LeaseKeepAlive(failover, scheduler, id, listener, () -> keepAlives.remove(self[0]));
    keepAlives.add(self[0]);
    self[0].start();
    return self[0];
  }

  @Override
  public void close() {
    for (LeaseKeepAlive k : Set.copyOf(keepAlives)) {
      k.close();
    }
  }
}
