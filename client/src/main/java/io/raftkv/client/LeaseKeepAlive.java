package io.raftkv.client;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.proto.etcd.LeaseGrpc;
import io.raftkv.proto.etcd.LeaseKeepAliveRequest;
import io.raftkv.proto.etcd.LeaseKeepAliveResponse;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Renews one lease over a LeaseKeepAlive stream every TTL/3. A broken stream is reopened on the
 * next endpoint; the lease is declared lost when the server answers TTL 0 or when nothing was
 * renewed for a whole TTL (the server would have expired it by then).
 */
final class LeaseKeepAlive implements KeepAlive {
  private static final long FIRST_TTL_GUESS_MS = 10_000;

  private final Failover failover;
  private final ScheduledExecutorService scheduler;
  private final long id;
  private final KeepAliveListener listener;
  private final Runnable onEnd;

  // Guarded by this.
  private boolean closed;
  private int generation;
  private int failures;
  private long ttlMs = FIRST_TTL_GUESS_MS;
  private long expiresAtNanos;
  private String endpoint = "";
  private ClientCallStreamObserver<LeaseKeepAliveRequest> requests;
  private ScheduledFuture<?> tick;

  LeaseKeepAlive(Failover failover, ScheduledExecutorService scheduler, long id, KeepAliveListener listener,
      Runnable onEnd) {
    this.failover = failover;
    this.scheduler = scheduler;
    this.id = id;
    this.listener = listener;
    this.onEnd = onEnd;
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
    return !closed && System.nanoTime() < expiresAtNanos;
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    endpoint = failover.pool().pick();
    String ep = endpoint;
    try {
      LeaseGrpc.newStub(failover.pool().channel(ep)).leaseKeepAlive(new Stream(gen, ep));
    } catch (RuntimeException e) {
      lost(ErrorMapping.map(e, ep));
      return;
    }
    sendAndSchedule();
  }

  /** Sends one renewal now, then again after TTL/3, checking the local expiry each time. */
  private synchronized void sendAndSchedule() {
    if (closed) {
      return;
    }
    if (System.nanoTime() >= expiresAtNanos) {
      lost(new RaftKvException.RequestTimeoutException(Status.Code.DEADLINE_EXCEEDED,
          "lease " + Long.toHexString(id) + " not renewed within its TTL of " + ttlMs + " ms", endpoint, null));
      return;
    }
    try {
      requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    } catch (RuntimeException e) {
      // The stream is failing; its onError reconnects.
    }
    if (tick != null) {
      tick.cancel(false);
    }
    tick = scheduler.schedule(this::sendAndSchedule, Math.max(100, ttlMs / 3), TimeUnit.MILLISECONDS);
  }

  private final class Stream implements ClientResponseObserver<LeaseKeepAliveRequest, LeaseKeepAliveResponse> {
    private final int gen;
    private final String ep;

    Stream(int gen, String ep) {
      this.gen = gen;
      this.ep = ep;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<LeaseKeepAliveRequest> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse r) {
      synchronized (LeaseKeepAlive.this) {
        if (gen != generation || closed) {
          return;
        }
        if (r.getTTL() <= 0) {
          lost(new RaftKvException.LeaseNotFoundException(Status.Code.NOT_FOUND,
              "etcdserver: requested lease not found", ep, null));
          return;
        }
        failures = 0;
        ttlMs = r.getTTL() * 1000;
        expiresAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ttlMs);
        listener.onRenewed(id, r.getTTL());
        // The next renewal is due TTL/3 after this one, whatever the TTL was guessed before.
        if (tick != null) {
          tick.cancel(false);
        }
        tick = scheduler.schedule(LeaseKeepAlive.this::sendAndSchedule, Math.max(100, ttlMs / 3),
            TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (LeaseKeepAlive.this) {
        if (gen != generation || closed) {
          return;
        }
        Status.Code code = Status.fromThrowable(t).getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.INTERNAL && code != Status.Code.CANCELLED) {
          lost(ErrorMapping.map(t, ep));
          return;
        }
        failover.pool().markFailed(ep);
        generation++;
        scheduler.schedule(LeaseKeepAlive.this::connect, failover.backoff(failures++).toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void onCompleted() {
      onError(Status.UNAVAILABLE.withDescription("keep-alive stream closed by the server").asRuntimeException());
    }
  }

  private void lost(RaftKvException reason) {
    stop();
    listener.onLost(id, reason);
  }

  private void stop() {
    closed = true;
    if (tick != null) {
      tick.cancel(false);
    }
    if (requests != null) {
      try {
        requests.cancel("keep-alive closed", null);
      } catch (RuntimeException ignored) {
        // Already finished.
      }
    }
    onEnd.run();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      stop();
    }
  }
}
