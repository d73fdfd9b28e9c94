package io.raftkv.server.watch;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.raftkv.proto.etcd.ResponseHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A store, its hub, the Watch service on an in-process gRPC server, and a channel to it. */
final class WatchServiceFixture implements AutoCloseable {
    static final long CLUSTER_ID = 0x1234_5678L;
    static final long MEMBER_ID = 0xabcdL;
    static final long RAFT_TERM = 3;

    final AppliedStore applied;
    final AtomicBoolean hasLeader = new AtomicBoolean(true);
    final Server server;
    final ManagedChannel channel;

    WatchServiceFixture(Path dir, WatchOptions options) {
        applied = new AppliedStore(dir, options);
        WatchContext context = new WatchContext() {
            @Override
            public ResponseHeader header() {
                return ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).setMemberId(MEMBER_ID)
                        .setRaftTerm(RAFT_TERM).setRevision(applied.revision()).build();
            }

            @Override
            public boolean hasLeader() {
                return hasLeader.get();
            }
        };
        String name = InProcessServerBuilder.generateName();
        try {
            server = InProcessServerBuilder.forName(name)
                    .addService(new WatchService(applied.hub, context).serviceDefinition())
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
    }

    WatchClient open() {
        return WatchClient.open(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
        server.awaitTermination(10, TimeUnit.SECONDS);
        applied.close();
    }
}
