package io.raftkv.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.ProgressRequest;
import io.raftkv.proto.raft.ProgressResponse;
import io.raftkv.proto.raft.RaftTransportGrpc;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each peer's round trip is measured from send to answer; this member itself is not probed. */
class PeerProberTest {
    private static final long SELF = 1;
    private static final long PEER = 2;
    private static final long SILENT_PEER = 3;

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void measuresEachAnsweringPeer() throws Exception {
        server = InProcessServerBuilder.forName("prober").directExecutor()
                .addService(new RaftTransportGrpc.RaftTransportImplBase() {
                    @Override
                    public void progress(ProgressRequest request, StreamObserver<ProgressResponse> response) {
                        response.onNext(ProgressResponse.newBuilder().setAppliedIndex(7).build());
                        response.onCompleted();
                    }
                }).build().start();
        channel = InProcessChannelBuilder.forName("prober").directExecutor().build();
        PeerDirectory directory = new PeerDirectory();
        for (long id : new long[] {SELF, PEER, SILENT_PEER}) {
            directory.put(id, URI.create("http://127.0.0.1:" + (2380 + id)));
        }
        Map<Long, Long> measured = new ConcurrentHashMap<>();

        try (PeerProber prober = new PeerProber(SELF, directory, id -> id == PEER ? channel : null, measured::put)) {
            prober.probeAll();
            await().atMost(Duration.ofSeconds(5)).until(() -> measured.containsKey(PEER));
        }

        assertThat(measured.keySet()).containsExactly(PEER);
        assertThat(measured.get(PEER)).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(2));
    }
}
