package io.raftkv.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.raftkv.proto.etcd.WatchGrpc;
import io.raftkv.proto.etcd.WatchProgressRequest;
import io.raftkv.proto.etcd.WatchRequest;
import io.raftkv.proto.etcd.WatchResponse;
import io.raftkv.proto.mvcc.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One watch over its own gRPC stream that survives connection loss: when the stream fails with
 * UNAVAILABLE or INTERNAL (as etcd's Go client decides), it reopens on the next endpoint from
 * the last delivered revision + 1, so events are neither missed nor repeated. A compacted
 * resume point ends the watch with a {@link RaftKvException.CompactedException}.
 */
final class ResumableWatch implements Watcher {
  static final Metadata.Key<String> HAS_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

  private final Failover failover;
  private final ScheduledExecutorService scheduler;
  private final ByteSequence key;
  private final WatchOptions options;
  private final WatchListener listener;
  private final Runnable onEnd;

  // Guarded by this.
  private long nextRevision;
  private int generation;
  private int failures;
  private boolean closed;
  private String endpoint = "";
  private ClientCallStreamObserver<WatchRequest> requests;
  private final List<Event> fragments = new ArrayList<>();

  ResumableWatch(Failover failover, ScheduledExecutorService scheduler, ByteSequence key, WatchOptions options,
      WatchListener listener, Runnable onEnd) {
    this.failover = failover;
    this.scheduler = scheduler;
    this.key = key;
    this.options = options;
    this.listener = listener;
    this.onEnd = onEnd;
    this.nextRevision = options.startRevision();
  }

  synchronized void start() {
    connect();
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    fragments.clear();
    endpoint = failover.pool().pick();
    String ep = endpoint;
    Metadata md = new Metadata();
    md.put(HAS_LEADER, "true");
    try {
      WatchGrpc.newStub(failover.pool().channel(ep))
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
          .watch(new Stream(gen, ep));
    } catch (RuntimeException e) {
      fail(ErrorMapping.map(e, ep));
      return;
    }
    requests.onNext(WatchRequest.newBuilder()
        .setCreateRequest(options.toCreateRequest(key, nextRevision)).build());
  }

  private final class Stream implements ClientResponseObserver<WatchRequest, WatchResponse> {
    private final int gen;
    private final String ep;

    Stream(int gen, String ep) {
      this.gen = gen;
      this.ep = ep;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(WatchResponse r) {
      synchronized (ResumableWatch.this) {
        if (gen == generation && !closed) {
          handle(r, ep);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (ResumableWatch.this) {
        if (gen == generation && !closed) {
          streamEnded(t, ep);
        }
      }
    }

    @Override
    public void onCompleted() {
      onError(Status.UNAVAILABLE.withDescription("watch stream closed by the server").asRuntimeException());
    }
  }

  private void handle(WatchResponse r, String ep) {
    if (r.getCanceled() || (r.getCreated() && r.getWatchId() == -1)) {
      if (r.getCompactRevision() > 0) {
        fail(new RaftKvException.CompactedException(Status.Code.OUT_OF_RANGE,
            "etcdserver: mvcc: required revision has been compacted (resume from " + nextRevision
                + ", compacted at " + r.getCompactRevision() + ")",
            ep, null, r.getCompactRevision()));
      } else {
        String reason = r.getCancelReason().isEmpty() ? "watch canceled by the server" : r.getCancelReason();
        fail(ErrorMapping.fromStatus(Status.FAILED_PRECONDITION.withDescription(reason), ep, null));
      }
      return;
    }
    long headerRevision = r.getHeader().getRevision();
    if (r.getCreated()) {
      failures = 0;
      if (nextRevision == 0) {
        // "From now": pin the start so that a resume neither misses nor repeats anything.
        nextRevision = headerRevision + 1;
      }
      return;
    }
    fragments.addAll(r.getEventsList());
    if (r.getFragment()) {
      return;
    }
    if (fragments.isEmpty()) {
      // A progress notification: every event up to headerRevision has been sent to us.
      nextRevision = Math.max(nextRevision, headerRevision + 1);
      listener.onProgress(headerRevision);
      return;
    }
    List<WatchEvent> events = new ArrayList<>(fragments.size());
    for (Event e : fragments) {
      if (e.getKv().getModRevision() >= nextRevision) {
        events.add(WatchEvent.from(e));
      }
    }
    fragments.clear();
    if (events.isEmpty()) {
      return;
    }
    nextRevision = events.get(events.size() - 1).revision() + 1;
    listener.onEvents(new WatchBatch(Header.from(r.getHeader()), events));
  }

  private void streamEnded(Throwable t, String ep) {
    Status.Code code = Status.fromThrowable(t).getCode();
    if (code != Status.Code.UNAVAILABLE && code != Status.Code.INTERNAL) {
      fail(ErrorMapping.map(t, ep));
      return;
    }
    failover.pool().markFailed(ep);
    long pause = failover.backoff(failures++).toMillis();
    scheduler.schedule(this::connect, pause, TimeUnit.MILLISECONDS);
  }

  private void fail(RaftKvException e) {
    closed = true;
    cancelStream();
    onEnd.run();
    listener.onError(e);
  }

  private void cancelStream() {
    if (requests != null) {
      try {
        requests.cancel("watch closed", null);
      } catch (RuntimeException ignored) {
        // Already finished.
      }
    }
  }

  @Override
  public synchronized void requestProgress() {
    if (!closed && requests != null) {
      requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    }
  }

  @Override
  public synchronized long nextRevision() {
    return nextRevision;
  }

  @Override
  public synchronized String endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      cancelStream();
    }
    onEnd.run();
  }
}
