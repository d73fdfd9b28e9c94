package io.raftkv.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived bidirectional stream that survives connection loss, the one way the SDK keeps a
 * watch or a lease keep-alive going: when the stream fails with a code the subclass deems
 * retryable it is reopened on the next endpoint after the failover backoff; any other failure
 * ends it for good with etcd's error. Each opened stream is a generation, so the late callbacks
 * of an abandoned stream are ignored. Subclasses say how to open the call, what to send once it
 * is open, and what a response means.
 *
 * <p>All state is guarded by {@code this}; the hooks are called holding it.
 */
abstract class ResumableStream<ReqT, RespT> {
  private final Failover failover;
  final ScheduledExecutorService scheduler;
  private final String name;
  private final Runnable onEnd;

  // Guarded by this.
  private int generation;
  private int failures;
  private boolean closed;
  private String endpoint = "";
  private ClientCallStreamObserver<ReqT> requests;

  /**
   * @param name  what the stream is, for messages ("watch", "keep-alive")
   * @param onEnd run once when the stream ends, by failure or by {@link #close}
   */
  ResumableStream(Failover failover, ScheduledExecutorService scheduler, String name, Runnable onEnd) {
    this.failover = failover;
    this.scheduler = scheduler;
    this.name = name;
    this.onEnd = onEnd;
  }

  /** Starts the call on {@code channel}; {@code responses} must be its response observer. */
  abstract void open(ManagedChannel channel, ClientResponseObserver<ReqT, RespT> responses);

  /** The stream to {@code endpoint} was just opened: send what starts it. */
  abstract void opened(String endpoint);

  /** A response on the current stream from {@code endpoint}. */
  abstract void received(RespT response, String endpoint);

  /** Whether a stream that failed with {@code code} is reopened rather than ended. */
  abstract boolean retryable(Status.Code code);

  /** The stream ended for good: {@code reason} goes to the caller's listener. Not called on close. */
  abstract void failed(RaftKvException reason);

  /** The stream stops, by failure or close: release what the subclass holds (timers). */
  void stopped() {}

  /** Opens a stream on the next endpoint. */
  final synchronized void connect() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    endpoint = failover.pool().pick();
    String ep = endpoint;
    try {
      open(failover.pool().channel(ep), new Responses(gen, ep));
    } catch (RuntimeException e) {
      fail(ErrorMapping.map(e, ep));
      return;
    }
    opened(ep);
  }

  /** The stream works again: the next failure backs off from the start. */
  final void recovered() {
    failures = 0;
  }

  /** Sends on the current stream; a failing stream reports through its onError, which reconnects. */
  final void send(ReqT request) {
    if (closed || requests == null) {
      return;
    }
    try {
      requests.onNext(request);
    } catch (RuntimeException e) {
      // The stream is failing; its onError reconnects.
    }
  }

  final boolean isClosed() {
    return closed;
  }

  final synchronized String currentEndpoint() {
    return endpoint;
  }

  /** Ends the stream for good with {@code reason}. */
  final void fail(RaftKvException reason) {
    closed = true;
    cancelStream();
    stopped();
    onEnd.run();
    failed(reason);
  }

  /** Ends the stream at the caller's request; no listener is told. */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      cancelStream();
      stopped();
    }
    onEnd.run();
  }

  private void cancelStream() {
    if (requests != null) {
      try {
        requests.cancel(name + " closed", null);
      } catch (RuntimeException ignored) {
        // Already finished.
      }
    }
  }

  private void streamFailed(Throwable t, String ep) {
    if (!retryable(Status.fromThrowable(t).getCode())) {
      fail(ErrorMapping.map(t, ep));
      return;
    }
    failover.pool().markFailed(ep);
    generation++; // whatever the failed stream still delivers is ignored
    scheduler.schedule(this::connect, failover.backoff(failures++).toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The response side of one generation's stream. */
  private final class Responses implements ClientResponseObserver<ReqT, RespT> {
    private final int gen;
    private final String ep;

    Responses(int gen, String ep) {
      this.gen = gen;
      this.ep = ep;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(RespT response) {
      synchronized (ResumableStream.this) {
        if (gen == generation && !closed) {
          received(response, ep);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (ResumableStream.this) {
        if (gen == generation && !closed) {
          streamFailed(t, ep);
        }
      }
    }

    @Override
    public void onCompleted() {
      onError(Status.UNAVAILABLE.withDescription(name + " stream closed by the server").asRuntimeException());
    }
  }
}
