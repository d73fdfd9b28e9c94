package io.raftkv.server.watch;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.WatchRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One client's Watch stream: it reads create, cancel and progress requests (one at a time,
 * as gRPC delivers them) and holds the stream's watchers. The fields below are guarded by
 * the hub's lock, because the hub's threads read them too.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
    private final WatchHub hub;
    final ResponseOutbox outbox;

    /** Watchers by watch_id. Guarded by the hub's lock. */
    final Map<Long, Watcher> watchers = new LinkedHashMap<>();
    /** The next automatically assigned watch_id (etcd never reuses one on a stream). Guarded by the hub's lock. */
    long nextWatchId;
    /** A progress request waits until every watcher of the stream is synced. Guarded by the hub's lock. */
    boolean progressRequested;
    /** Guarded by the hub's lock. */
    boolean closed;

    WatchStream(WatchHub hub, ResponseOutbox outbox) {
        this.hub = hub;
        this.outbox = outbox;
    }

    @Override
    public void onNext(WatchRequest request) {
        switch (request.getRequestUnionCase()) {
            case CREATE_REQUEST -> hub.create(this, request.getCreateRequest());
            case CANCEL_REQUEST -> hub.cancel(this, request.getCancelRequest().getWatchId());
            case PROGRESS_REQUEST -> hub.requestProgress(this);
            case REQUESTUNION_NOT_SET -> {
                // etcd ignores an empty request.
            }
        }
        outbox.afterRequestHandled();
    }

    @Override
    public void onError(Throwable t) {
        hub.closeStream(this);
        outbox.close();
    }

    /** The client half-closed: its watchers end and the stream completes after what is already queued. */
    @Override
    public void onCompleted() {
        hub.closeStream(this);
        outbox.offer(new Outbound.Finish());
    }

    /** The call was cancelled (client gone, deadline, reset). */
    void cancelled() {
        hub.closeStream(this);
        outbox.close();
    }
}
