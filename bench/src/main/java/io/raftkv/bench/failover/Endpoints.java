package io.raftkv.bench.failover;

import com.google.protobuf.ByteString;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.bench.EtcdEndpoints;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.MaintenanceGrpc;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.StatusRequest;
import io.raftkv.proto.etcd.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per cluster member (index 0 is node 1), shared by every client of the run, and
 * the few etcd v3 calls the benchmark makes, each with its own deadline.
 */
final class Endpoints implements AutoCloseable {
    private final List<String> endpoints;
    private final List<ManagedChannel> channels = new ArrayList<>();

    /** {@code endpoints} as {@code scripts/cluster} prints them: "host:port", node 1 first. */
    Endpoints(List<String> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        for (String endpoint : endpoints) {
            int colon = endpoint.lastIndexOf(':');
            channels.add(NettyChannelBuilder.forAddress(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)))
                    .usePlaintext()
                    .maxInboundMessageSize(64 << 20)
                    .build());
        }
    }

    int size() {
        return channels.size();
    }

    String endpoint(int index) {
        return endpoints.get(index);
    }

    /** A put; throws {@link io.grpc.StatusRuntimeException} on any failure, the deadline included. */
    void put(int index, String key, ByteString value, Duration deadline) {
        KVGrpc.newBlockingStub(channels.get(index))
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                .put(PutRequest.newBuilder().setKey(utf8(key)).setValue(value).build());
    }

    /** A linearizable (the default: not serializable) get of one key. */
    RangeResponse get(int index, String key, Duration deadline) {
        return range(index, RangeRequest.newBuilder().setKey(utf8(key)).build(), deadline);
    }

    RangeResponse range(int index, RangeRequest request, Duration deadline) {
        return KVGrpc.newBlockingStub(channels.get(index))
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                .range(request);
    }

    /** Maintenance.Status of one member, or empty if it did not answer within the deadline. */
    Optional<StatusResponse> status(int index, Duration deadline) {
        try {
            return Optional.of(MaintenanceGrpc.newBlockingStub(channels.get(index))
                    .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                    .status(StatusRequest.getDefaultInstance()));
        } catch (RuntimeException e) {
            reconnectSoon(index);
            return Optional.empty();
        }
    }

    /**
     * grpc-java backs off up to two minutes between reconnects to a dead address; a restarted
     * member would then look unreachable long after it listens again, and the benchmark would
     * measure the client's backoff instead of the member.
     */
    void reconnectSoon(int index) {
        ManagedChannel channel = channels.get(index);
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
    }

    static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        EtcdEndpoints.close(channels);
    }
}
