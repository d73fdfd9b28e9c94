package io.raftkv.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.proto.etcd.LeaseGrpc;
import io.raftkv.proto.etcd.LeaseKeepAliveRequest;
import io.raftkv.proto.etcd.LeaseKeepAliveResponse;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Renews one lease over a LeaseKeepAlive stream every TTL/3. A broken stream is reopened on the
 * next endpoint ({@link ResumableStream}); the lease is declared lost when the server answers
 * TTL 0 or when nothing was renewed for a whole TTL (the server would have expired it by then).
 */
final class LeaseKeepAlive extends ResumableStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>
    implements KeepAlive {
  private static final long FIRST_TTL_GUESS_MS = 10_000;

  private final long id;
  private final KeepAliveListener listener;

  // Guarded by this.
  private long ttlMs = FIRST_TTL_GUESS_MS;
  private long expiresAtNanos;
  private ScheduledFuture<?> tick;

  LeaseKeepAlive(Failover failover, ScheduledExecutorService scheduler, long id, KeepAliveListener listener,
      Runnable onEnd) {
    super(failover, scheduler, "keep-alive", onEnd);
    this.id = id;
    this.listener = listener;
  }

  synchronized void start() {
    expiresAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ttlMs);
    connect();
  }

  @Override
  public long leaseId() {
    return id;
  }

  @Override
  public synchronized boolean alive() {
    return !isClosed() && System.nanoTime() < expiresAtNanos;
  }

  @Override
  void open(ManagedChannel channel, ClientResponseObserver<LeaseKeepAliveRequest, LeaseKeepAliveResponse> responses) {
    LeaseGrpc.newStub(channel).leaseKeepAlive(responses);
  }

  @Override
  void opened(String endpoint) {
    sendAndSchedule();
  }

  /** A keep-alive stream may also be canceled under it by a server going away. */
  @Override
  boolean retryable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL || code == Status.Code.CANCELLED;
  }

  /** Sends one renewal now, then again after TTL/3, checking the local expiry each time. */
  private synchronized void sendAndSchedule() {
    if (isClosed()) {
      return;
    }
    if (System.nanoTime() >= expiresAtNanos) {
      fail(new RaftKvException.RequestTimeoutException(Status.Code.DEADLINE_EXCEEDED,
          "lease " + Long.toHexString(id) + " not renewed within its TTL of " + ttlMs + " ms", currentEndpoint(),
          null));
      return;
    }
    send(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    scheduleNext();
  }

  @Override
  void received(LeaseKeepAliveResponse r, String endpoint) {
    if (r.getTTL() <= 0) {
      fail(new RaftKvException.LeaseNotFoundException(Status.Code.NOT_FOUND,
          "etcdserver: requested lease not found", endpoint, null));
      return;
    }
    recovered();
    ttlMs = r.getTTL() * 1000;
    expiresAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ttlMs);
    listener.onRenewed(id, r.getTTL());
    // The next renewal is due TTL/3 after this one, whatever the TTL was guessed before.
    scheduleNext();
  }

  private void scheduleNext() {
    if (tick != null) {
      tick.cancel(false);
    }
    tick = scheduler.schedule(this::sendAndSchedule, Math.max(100, ttlMs / 3), TimeUnit.MILLISECONDS);
  }

  @Override
  void failed(RaftKvException reason) {
    listener.onLost(id, reason);
  }

  @Override
  void stopped() {
    if (tick != null) {
      tick.cancel(false);
    }
  }
}
