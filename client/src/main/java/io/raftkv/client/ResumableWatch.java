package io.raftkv.client;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
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

/**
 * One watch over its own gRPC stream that survives connection loss ({@link ResumableStream}):
 * when the stream fails with UNAVAILABLE or INTERNAL (as etcd's Go client decides), it reopens
 * on the next endpoint from the last delivered revision + 1, so events are neither missed nor
 * repeated. A compacted resume point ends the watch with a {@link RaftKvException.CompactedException}.
 */
final class ResumableWatch extends ResumableStream<WatchRequest, WatchResponse> implements Watcher {
  static final Metadata.Key<String> HAS_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

  private final ByteSequence key;
  private final WatchOptions options;
  private final WatchListener listener;

  // Guarded by this.
  private long nextRevision;
  private final List<Event> fragments = new ArrayList<>();

  ResumableWatch(Failover failover, ScheduledExecutorService scheduler, ByteSequence key, WatchOptions options,
      WatchListener listener, Runnable onEnd) {
    super(failover, scheduler, "watch", onEnd);
    this.key = key;
    this.options = options;
    this.listener = listener;
    this.nextRevision = options.startRevision();
  }

  synchronized void start() {
    connect();
  }

  @Override
  void open(ManagedChannel channel, ClientResponseObserver<WatchRequest, WatchResponse> responses) {
    Metadata md = new Metadata();
    md.put(HAS_LEADER, "true");
    WatchGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).watch(responses);
  }

  @Override
  void opened(String endpoint) {
    fragments.clear();
    send(WatchRequest.newBuilder().setCreateRequest(options.toCreateRequest(key, nextRevision)).build());
  }

  @Override
  boolean retryable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL;
  }

  @Override
  void received(WatchResponse r, String ep) {
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
      recovered();
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

  @Override
  void failed(RaftKvException reason) {
    listener.onError(reason);
  }

  @Override
  public synchronized void requestProgress() {
    send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
  }

  @Override
  public synchronized long nextRevision() {
    return nextRevision;
  }

  @Override
  public synchronized String endpoint() {
    return currentEndpoint();
  }
}
