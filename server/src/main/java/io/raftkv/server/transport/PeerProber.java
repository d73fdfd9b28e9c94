package io.raftkv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.ProgressRequest;
import io.raftkv.proto.raft.ProgressResponse;
import io.raftkv.proto.raft.RaftTransportGrpc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Measures the round trip to each peer, as etcd's prober does for its
 * {@code etcd_network_peer_round_trip_time_seconds}: every few seconds a small request
 * ({@code Progress}) on the peer's channel, timed from send to answer. A peer that does not
 * answer within the deadline reports nothing (its absence shows as a gap, not as a fake value).
 */
public final class PeerProber implements AutoCloseable {
    /** etcd's proberInterval: its connection read timeout (5 s) minus one second. */
    static final long INTERVAL_MILLIS = 4_000;
    private static final long DEADLINE_MILLIS = 2_000;

    /** Where measured round trips go. */
    @FunctionalInterface
    public interface RoundTrips {
        void measured(long peer, long nanos);
    }

    private final long selfId;
    private final PeerDirectory directory;
    private final LongFunction<ManagedChannel> channels;
    private final RoundTrips roundTrips;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "peer-prober");
        t.setDaemon(true);
        return t;
    });

    public PeerProber(long selfId, PeerDirectory directory, LongFunction<ManagedChannel> channels,
                      RoundTrips roundTrips) {
        this.selfId = selfId;
        this.directory = directory;
        this.channels = channels;
        this.roundTrips = roundTrips;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::probeAll, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    void probeAll() {
        for (long peer : directory.members()) {
            if (peer == selfId) {
                continue;
            }
            ManagedChannel channel = channels.apply(peer);
            if (channel != null) {
                probe(peer, channel);
            }
        }
    }

    private void probe(long peer, ManagedChannel channel) {
        long sent = System.nanoTime();
        RaftTransportGrpc.newStub(channel).withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                .progress(ProgressRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(ProgressResponse value) {
                        roundTrips.measured(peer, System.nanoTime() - sent);
                    }

                    @Override
                    public void onError(Throwable t) {
                        // Unreachable or slow: the transport reports that to the core already.
                    }

                    @Override
                    public void onCompleted() {}
                });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
