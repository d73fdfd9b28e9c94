package io.raftkv.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.raftkv.proto.etcd.WatchCancelRequest;
import io.raftkv.proto.etcd.WatchCreateRequest;
import io.raftkv.proto.etcd.WatchGrpc;
import io.raftkv.proto.etcd.WatchProgressRequest;
import io.raftkv.proto.etcd.WatchRequest;
import io.raftkv.proto.etcd.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Watch stream seen from a client. Responses are collected as they arrive; with manual
 * flow control the client receives only what it {@link #request}s, like a client that stops
 * reading.
 */
final class WatchClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final LinkedBlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final CompletableFuture<ClientCallStreamObserver<WatchRequest>> call = new CompletableFuture<>();
    private final ClientCallStreamObserver<WatchRequest> requests;

    private WatchClient(ManagedChannel channel, Metadata metadata, int initialRequests) {
        WatchGrpc.WatchStub stub = WatchGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
        stub.watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                if (initialRequests >= 0) {
                    requestStream.disableAutoRequestWithInitial(initialRequests);
                }
                call.complete(requestStream);
            }

            @Override
            public void onNext(WatchResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                finished.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                finished.complete(null);
            }
        });
        requests = call.join();
    }

    /** A client that reads everything as it comes. */
    static WatchClient open(ManagedChannel channel) {
        return new WatchClient(channel, new Metadata(), -1);
    }

    static WatchClient open(ManagedChannel channel, Metadata metadata) {
        return new WatchClient(channel, metadata, -1);
    }

    /** A client that reads only the responses it asks for with {@link #request}. */
    static WatchClient manual(ManagedChannel channel, int initialRequests) {
        return new WatchClient(channel, new Metadata(), initialRequests);
    }

    void request(int count) {
        requests.request(count);
    }

    void send(WatchRequest request) {
        synchronized (requests) {
            requests.onNext(request);
        }
    }

    void create(WatchCreateRequest.Builder create) {
        send(WatchRequest.newBuilder().setCreateRequest(create).build());
    }

    void cancel(long watchId) {
        send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(watchId)).build());
    }

    void requestProgress() {
        send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    }

    /** The next response, waiting up to {@link #WAIT}; every response must carry a full header. */
    WatchResponse next() {
        try {
            WatchResponse response = responses.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(response).as("a watch response within %s", WAIT).isNotNull();
            assertThat(response.hasHeader()).as("header of %s", response).isTrue();
            assertThat(response.getHeader().getClusterId()).isEqualTo(WatchServiceFixture.CLUSTER_ID);
            assertThat(response.getHeader().getMemberId()).isEqualTo(WatchServiceFixture.MEMBER_ID);
            assertThat(response.getHeader().getRaftTerm()).isEqualTo(WatchServiceFixture.RAFT_TERM);
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next {@code count} responses. */
    List<WatchResponse> next(int count) {
        List<WatchResponse> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(next());
        }
        return list;
    }

    /** Responses already received and not yet taken. */
    int pending() {
        return responses.size();
    }

    void halfClose() {
        synchronized (requests) {
            requests.onCompleted();
        }
    }

    @Override
    public void close() {
        requests.cancel("test done", null);
    }
}
