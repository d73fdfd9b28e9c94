package io.raftkv.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.LeaseGrantRequest;
import io.raftkv.proto.etcd.LeaseGrpc;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.server.config.NodeFlags;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The training run for the node's class-data-sharing archive (AppCDS): bin/raftkv-server runs
 * this under {@code -XX:ArchiveClassesAtExit} once per build of the distribution (JDK 17 cannot
 * create an archive on the fly, 19's -XX:+AutoCreateSharedArchive can), and starts nodes with
 * the archive, so they map the classes of start-up and of the first requests instead of loading
 * and verifying them (most of a node's start-up CPU).
 *
 * <p>What it runs is what a node's start-up and first seconds run, so those classes are in the
 * archive: a three-member cluster in one JVM (elections, appends, heartbeats over the peer
 * transport), writes and reads through a follower and the leader (forwarding, ReadIndex), a
 * txn, a delete and a lease, then a follower stopped, written past and restarted (reconnection
 * and catch-up, the path a restarted member takes, which is the one that must be fast).
 */
public final class ClassArchiveTraining {
    private static final int MEMBERS = 3;

    private ClassArchiveTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("raftkv-cds-training");
        List<String[]> flags = memberFlags(dir);
        List<RaftKvServer> servers = new ArrayList<>();
        try {
            for (String[] f : flags) {
                servers.add(RaftKvServer.start(NodeFlags.parse(f)));
            }
            for (RaftKvServer s : servers) {
                s.clientsServing().get(120, TimeUnit.SECONDS);
            }
            int leader = IntStream.range(0, MEMBERS).filter(i -> servers.get(i).node().isLeader()).findFirst()
                    .orElse(0);
            int follower = (leader + 1) % MEMBERS;
            exercise(clientPort(flags.get(follower)), "training/follower/");
            exercise(clientPort(flags.get(leader)), "training/leader/");

            // A follower stops, the others go on, it restarts and catches up.
            servers.get(follower).close();
            exercise(clientPort(flags.get(leader)), "training/while-down/");
            servers.set(follower, RaftKvServer.start(NodeFlags.parse(flags.get(follower))));
            servers.get(follower).clientsServing().get(120, TimeUnit.SECONDS);
            exercise(clientPort(flags.get(follower)), "training/after-restart/");
        } catch (Exception e) {
            // The archive only speeds start-up: a failed training run must not fail the build.
            System.err.println("raftkv: class archive training run failed (nodes start without it): " + e);
        } finally {
            servers.forEach(RaftKvServer::close);
            deleteRecursively(dir);
        }
        System.exit(0); // gRPC's and RocksDB's daemon threads must not keep the JVM from dumping the archive
    }

    private static List<String[]> memberFlags(Path dir) throws IOException {
        int[][] ports = new int[MEMBERS][];
        StringBuilder initialCluster = new StringBuilder();
        for (int i = 0; i < MEMBERS; i++) {
            ports[i] = new int[] {freePort(), freePort(), freePort()};
            initialCluster.append(i == 0 ? "" : ",").append("training-").append(i).append("=http://127.0.0.1:")
                    .append(ports[i][1]);
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            String client = "http://127.0.0.1:" + ports[i][0];
            String peer = "http://127.0.0.1:" + ports[i][1];
            out.add(new String[] {"--name", "training-" + i, "--data-dir", dir.resolve("m" + i).toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initialCluster.toString(),
                    "--listen-metrics-urls", "http://127.0.0.1:" + ports[i][2]});
        }
        return out;
    }

    private static int clientPort(String[] flags) {
        for (int i = 0; i < flags.length - 1; i++) {
            if (flags[i].equals("--listen-client-urls")) {
                return Integer.parseInt(flags[i + 1].substring(flags[i + 1].lastIndexOf(':') + 1));
            }
        }
        throw new IllegalArgumentException("no --listen-client-urls");
    }

    /** The requests of a client's first seconds: puts, both read kinds, a txn, a delete, a lease. */
    private static void exercise(int clientPort, String prefix) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
        try {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                ByteString key = ByteString.copyFromUtf8(prefix + i);
                kv.put(PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFromUtf8("v")).build());
                kv.range(RangeRequest.newBuilder().setKey(key).build());
                kv.range(RangeRequest.newBuilder().setKey(key).setSerializable(true).build());
            }
            ByteString first = ByteString.copyFromUtf8(prefix + 0);
            kv.txn(TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(first).setTarget(Compare.CompareTarget.VERSION)
                            .setResult(Compare.CompareResult.GREATER).setVersion(0))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(first)
                            .setValue(ByteString.copyFromUtf8("w"))))
                    .build());
            kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(first).build());
            LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build());
        } finally {
            channel.shutdownNow();
        }
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
