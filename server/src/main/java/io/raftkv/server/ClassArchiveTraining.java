package io.raftkv.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.server.config.NodeFlags;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run for the node's class-data-sharing archive (AppCDS): bin/raftkv-server runs
 * this under {@code -XX:ArchiveClassesAtExit} once per build of the distribution (JDK 17 cannot
 * create an archive on the fly, 19's -XX:+AutoCreateSharedArchive can), and starts nodes with
 * the archive, so they map the classes of start-up and of the first requests instead of loading
 * and verifying them (most of a node's start-up CPU). It starts a one-member cluster in a
 * temporary directory, writes and reads a few keys through the etcd API, and stops.
 */
public final class ClassArchiveTraining {
    private ClassArchiveTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("raftkv-cds-training");
        int client = freePort();
        int peer = freePort();
        int http = freePort();
        RaftKvServer server = RaftKvServer.start(NodeFlags.parse("--name", "training", "--data-dir",
                dir.resolve("data").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client,
                "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "training=http://127.0.0.1:" + peer,
                "--listen-metrics-urls", "http://127.0.0.1:" + http));
        try {
            server.clientsServing().get(120, TimeUnit.SECONDS);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                for (int i = 0; i < 20; i++) {
                    kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("training/" + i))
                            .setValue(ByteString.copyFromUtf8("v")).build());
                    kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("training/" + i)).build());
                }
            } finally {
                channel.shutdownNow();
            }
        } catch (Exception e) {
            // The archive only speeds start-up: a failed training run must not fail the build.
            System.err.println("raftkv: class archive training run failed (nodes start without it): " + e);
        } finally {
            server.close();
            deleteRecursively(dir);
        }
        System.exit(0); // gRPC's and RocksDB's daemon threads must not keep the JVM from dumping the archive
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
