package io.raftkv.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.RaftMessageBatch;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.proto.raft.SendAck;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A burst of large forwarded writes goes out in batches the peer accepts (its gRPC limit is
 * 64 MiB per message): nothing is lost to a batch too big to receive.
 */
class PeerConnectionBatchingTest {
    private static final int PROPOSALS = 80;
    private static final int PROPOSAL_BYTES = 1 << 20;

    @Test
    void batchesStayUnderTheByteCapAndEveryProposalArrives() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        List<Long> received = new CopyOnWriteArrayList<>();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(64 << 20)
                .addService(new RaftTransportGrpc.RaftTransportImplBase() {
                    @Override
                    public StreamObserver<RaftMessageBatch> send(StreamObserver<SendAck> ack) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(RaftMessageBatch batch) {
                                batchSizes.add(batch.getSerializedSize());
                                batch.getProposalsList().forEach(p -> received.add(p.getId()));
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {
                                ack.onCompleted();
                            }
                        };
                    }
                }).build().start();
        ByteString payload = ByteString.copyFrom(new byte[PROPOSAL_BYTES]);
        PeerConnection connection = new PeerConnection(1, 2, 7,
                URI.create("http://127.0.0.1:" + server.getPort()), new PeerConnection.Listener() {
                    @Override
                    public void unreachable(long peer) {}

                    @Override
                    public void connectionReset(long peer) {}
                });
        try {
            for (long id = 1; id <= PROPOSALS; id++) {
                assertThat(connection.enqueue(ForwardedProposal.newBuilder().setId(id).setData(payload).build()))
                        .isTrue();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == PROPOSALS);
        } finally {
            connection.close();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(received).doesNotHaveDuplicates();
        assertThat(batchSizes).allSatisfy(size ->
                assertThat((long) size).isLessThanOrEqualTo(PeerConnection.MAX_BATCH_BYTES + 1024));
    }
}
