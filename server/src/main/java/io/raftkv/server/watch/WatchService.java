package io.raftkv.server.watch;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.WatchGrpc;
import io.raftkv.proto.etcd.WatchRequest;
import io.raftkv.proto.etcd.WatchResponse;
import io.raftkv.server.api.EtcdError;
import java.util.Objects;

/**
 * etcd's Watch service: each bidirectional stream holds many watchers of the {@link WatchHub}.
 * Register {@link #serviceDefinition()} (not the service itself) so that {@code hasleader}
 * streams are refused while there is no leader.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
    private final WatchHub hub;
    private final WatchContext context;

    public WatchService(WatchHub hub, WatchContext context) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.context = Objects.requireNonNull(context, "context");
    }

    /** The service with the interceptor that reads Go clients' {@code hasleader} metadata. */
    public ServerServiceDefinition serviceDefinition() {
        return ServerInterceptors.intercept(bindService(), new LeaderRequirement());
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responseObserver) {
        ServerCallStreamObserver<WatchResponse> observer = (ServerCallStreamObserver<WatchResponse>) responseObserver;
        if (LeaderRequirement.requiredByCurrentCall() && !context.hasLeader()) {
            observer.onError(EtcdError.NO_LEADER.asException());
            return new RefusedStream();
        }
        // Requests are read one at a time, and only while few replies wait unsent (see ResponseOutbox).
        observer.disableAutoRequest();
        ResponseOutbox outbox = new ResponseOutbox(observer, context, hub.deliveryExecutor(), hub.options(),
                hub::responseSent);
        WatchStream stream = new WatchStream(hub, outbox);
        observer.setOnReadyHandler(outbox::scheduleDrain);
        observer.setOnCancelHandler(stream::cancelled);
        observer.request(1);
        return stream;
    }

    /** Swallows what a client sends on a stream already refused. */
    private static final class RefusedStream implements StreamObserver<WatchRequest> {
        @Override
        public void onNext(WatchRequest value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
