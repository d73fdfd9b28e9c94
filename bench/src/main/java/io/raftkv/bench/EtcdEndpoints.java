package io.raftkv.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.RangeRequest;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Plaintext gRPC connections to etcd v3 endpoints ("host:port" or "http://host:port"). */
public final class EtcdEndpoints {
    private static final long CHECK_TIMEOUT_MS = 10_000;

    private EtcdEndpoints() {
    }

    /**
     * {@code conns} connected channels, the i-th to endpoint i mod n, as etcd's benchmark spreads
     * its connections. Each is connected by one serializable read before it is returned, so a
     * load's clock never counts connection set-up. Each channel runs its callbacks on its event
     * loop (no thread hop per response).
     */
    public static List<ManagedChannel> open(List<String> endpoints, int conns) {
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < conns; i++) {
                String endpoint = endpoints.get(i % endpoints.size());
                ManagedChannel ch = channel(endpoint);
                channels.add(ch);
                check(endpoint, ch);
            }
        } catch (RuntimeException e) {
            close(channels);
            throw e;
        }
        return channels;
    }

    /** Fails with one line naming the first endpoint that does not answer a serializable read within 10 s. */
    public static void requireReachable(List<String> endpoints) {
        for (String endpoint : endpoints) {
            ManagedChannel ch = channel(endpoint);
            try {
                check(endpoint, ch);
            } finally {
                close(List.of(ch));
            }
        }
    }

    /**
     * Waits until every endpoint answers a serializable read, for at most {@code timeout}: a node
     * that a fresh cluster's /health already counts may still be joining (etcd serves clients only
     * once it has published itself through Raft).
     */
    public static void awaitServing(List<String> endpoints, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String endpoint : endpoints) {
            ManagedChannel ch = channel(endpoint);
            try {
                while (true) {
                    try {
                        check(endpoint, ch, 2000);
                        break;
                    } catch (BenchException e) {
                        if (System.nanoTime() > deadline) {
                            throw new BenchException(e.getMessage() + " (waited " + timeout.toSeconds() + " s after the cluster came up)");
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    }
                }
            } finally {
                close(List.of(ch));
            }
        }
    }

    private static void check(String endpoint, ManagedChannel ch) {
        check(endpoint, ch, CHECK_TIMEOUT_MS);
    }

    private static void check(String endpoint, ManagedChannel ch, long timeoutMs) {
        try {
            KVGrpc.newBlockingStub(ch).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("bench-check"))
                            .setSerializable(true).build());
        } catch (StatusRuntimeException e) {
            throw new BenchException("endpoint " + endpoint + " does not answer: " + describe(e.getStatus()));
        }
    }

    /**
     * A status as one short line that is the same for every request that failed the same way: gRPC's
     * descriptions carry timings and addresses that would make each failure a category of its own.
     */
    static String describe(Status status) {
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return "DEADLINE_EXCEEDED (no answer within the request timeout)";
        }
        String desc = status.getDescription();
        if (desc == null || desc.isBlank()) {
            return status.getCode().toString();
        }
        String general = desc.replaceAll("\\d+(\\.\\d+)?", "N");
        return status.getCode() + " (" + (general.length() > 120 ? general.substring(0, 120) + "..." : general) + ")";
    }

    public static void close(List<ManagedChannel> channels) {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel ch : channels) {
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static ManagedChannel channel(String endpoint) {
        String hostPort = endpoint.replaceFirst("^https?://", "");
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new BenchException("endpoint '" + endpoint + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new BenchException("endpoint '" + endpoint + "' has no port number");
        }
        return NettyChannelBuilder.forAddress(hostPort.substring(0, colon), port)
                .usePlaintext()
                .directExecutor()
                .build();
    }
}
