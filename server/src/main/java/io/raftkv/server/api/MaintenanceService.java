package io.raftkv.server.api;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.AlarmMember;
import io.raftkv.proto.etcd.AlarmRequest;
import io.raftkv.proto.etcd.AlarmResponse;
import io.raftkv.proto.etcd.AlarmType;
import io.raftkv.proto.etcd.DefragmentRequest;
import io.raftkv.proto.etcd.DefragmentResponse;
import io.raftkv.proto.etcd.HashKVRequest;
import io.raftkv.proto.etcd.HashKVResponse;
import io.raftkv.proto.etcd.HashRequest;
import io.raftkv.proto.etcd.HashResponse;
import io.raftkv.proto.etcd.MaintenanceGrpc;
import io.raftkv.proto.etcd.MoveLeaderRequest;
import io.raftkv.proto.etcd.MoveLeaderResponse;
import io.raftkv.proto.etcd.SnapshotRequest;
import io.raftkv.proto.etcd.SnapshotResponse;
import io.raftkv.proto.etcd.StatusRequest;
import io.raftkv.proto.etcd.StatusResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.server.node.RaftKvNode;
import io.raftkv.storage.mvcc.KvHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** etcd's Maintenance service: status, alarms, hashes, defragmentation, leadership transfer, snapshots. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceService.class);
    /** What Go clients read as the server's etcd version; they refuse anything below 3.2. */
    public static final String ETCD_VERSION = "3.5.0";
    private static final int SNAPSHOT_CHUNK = 32 << 10;

    private final RaftKvNode node;
    private final LeaderProxy proxy;
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "maintenance");
        t.setDaemon(true);
        return t;
    });

    public MaintenanceService(RaftKvNode node, LeaderProxy proxy) {
        this.node = node;
        this.proxy = proxy;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        Calls.run(() -> {
            RaftNode.Status raft = node.raftStatus();
            long size = node.store().dbSize();
            StatusResponse.Builder b = StatusResponse.newBuilder().setHeader(node.header()).setVersion(ETCD_VERSION)
                    .setDbSize(size).setDbSizeInUse(size).setLeader(raft.leaderId()).setRaftIndex(raft.commitIndex())
                    .setRaftTerm(raft.term()).setRaftAppliedIndex(node.appliedIndex()).setIsLearner(node.isLearner());
            for (AlarmMember alarm : node.store().state().alarms()) {
                b.addErrors("memberID:" + alarm.getMemberID() + " alarm:" + alarm.getAlarm());
            }
            return b.build();
        }, response);
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> response) {
        if (request.getAction() == AlarmRequest.AlarmAction.GET) {
            Calls.reply(node.linearizableBarrier().thenApply(v -> {
                AlarmResponse.Builder b = AlarmResponse.newBuilder().setHeader(node.header());
                for (AlarmMember a : node.store().state().alarms()) {
                    boolean memberMatches = request.getMemberID() == 0 || request.getMemberID() == a.getMemberID();
                    boolean typeMatches = request.getAlarm() == AlarmType.NONE || request.getAlarm() == a.getAlarm();
                    if (memberMatches && typeMatches) {
                        b.addAlarms(a);
                    }
                }
                return b.build();
            }), response);
            return;
        }
        Calls.reply(node.propose(InternalRequest.newBuilder().setAlarm(request).build()).thenApply(m -> {
            AlarmResponse r = (AlarmResponse) m;
            return r.toBuilder().setHeader(node.header(r.getHeader().getRevision())).build();
        }), response);
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> response) {
        Calls.reply(CompletableFuture.supplyAsync(() -> {
            node.store().defragment();
            return DefragmentResponse.newBuilder().setHeader(node.header()).build();
        }, background), response);
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> response) {
        Calls.run(() -> HashResponse.newBuilder().setHeader(node.header()).setHash(node.store().hash()).build(), response);
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> response) {
        Calls.run(() -> {
            KvHash hash = node.store().hashKV(request.getRevision());
            return HashKVResponse.newBuilder().setHeader(node.header(hash.revision())).setHash(hash.hash())
                    .setCompactRevision(hash.compactRevision()).build();
        }, response);
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> response) {
        if (!node.isLeader()) {
            var leader = proxy.awaitLeader();
            if (leader.isEmpty()) {
                response.onError((node.leaderId() == 0 ? EtcdError.NO_LEADER : EtcdError.NOT_LEADER).asException());
                return;
            }
            ManagedChannel channel = leader.get();
            Calls.reply(Calls.fromListenable(c -> MaintenanceGrpc.newFutureStub(c)
                    .withDeadlineAfter(proxy.deadlineMillis(), TimeUnit.MILLISECONDS).moveLeader(request), channel), response);
            return;
        }
        long target = request.getTargetID();
        boolean voter = node.raftStatus().confState().voters().contains(target);
        if (!voter || target == 0) {
            response.onError(EtcdError.BAD_LEADER_TRANSFEREE.asException());
            return;
        }
        if (target == node.memberId()) {
            response.onNext(MoveLeaderResponse.newBuilder().setHeader(node.header()).build());
            response.onCompleted();
            return;
        }
        Calls.reply(node.transferLeadership(target).thenCompose(v -> waitForLeader(target))
                .thenApply(v -> MoveLeaderResponse.newBuilder().setHeader(node.header()).build()), response);
    }

    private CompletableFuture<Void> waitForLeader(long target) {
        return CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(node.requestTimeoutMillis());
            while (System.nanoTime() < deadline) {
                if (node.leaderId() == target) {
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw EtcdError.TIMEOUT_LEADER_FAIL.asException();
        }, background);
    }

    /**
     * Streams a snapshot in etcd's format: the payload padded with zeros to a multiple of 512
     * bytes, then the SHA-256 of everything before it (etcdctl checks both).
     */
    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> response) {
        ServerCallStreamObserver<SnapshotResponse> out = (ServerCallStreamObserver<SnapshotResponse>) response;
        background.execute(() -> {
            Path file = null;
            try {
                file = Files.createTempFile(node.config().dataDir(), "client-snapshot", ".pack");
                try (OutputStream os = Files.newOutputStream(file)) {
                    node.writeSnapshot(os);
                }
                long payload = Files.size(file);
                long padding = (512 - payload % 512) % 512;
                long total = payload + padding + 32;
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long sent = 0;
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buf = new byte[SNAPSHOT_CHUNK];
                    int n;
                    while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                        sha.update(buf, 0, n);
                        sent += n;
                        send(out, ByteString.copyFrom(buf, 0, n), total - sent);
                    }
                }
                byte[] zeros = new byte[(int) padding];
                sha.update(zeros);
                sent += padding;
                if (padding > 0) {
                    send(out, ByteString.copyFrom(zeros), total - sent);
                }
                send(out, ByteString.copyFrom(sha.digest()), 0);
                out.onCompleted();
            } catch (IOException | NoSuchAlgorithmException | RuntimeException | InterruptedException e) {
                log.warn("snapshot stream failed: {}", e.toString());
                out.onError(Calls.toStatus(e));
            } finally {
                if (file != null) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // a leftover temp file is harmless
                    }
                }
            }
        });
    }

    /** Sends one chunk, waiting for the client to keep up (never buffering the whole snapshot). */
    private void send(ServerCallStreamObserver<SnapshotResponse> out, ByteString blob, long remaining)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!out.isReady()) {
            if (out.isCancelled() || System.nanoTime() > deadline) {
                throw EtcdError.TIMEOUT.asException();
            }
            Thread.sleep(5);
        }
        out.onNext(SnapshotResponse.newBuilder().setHeader(node.header()).setRemainingBytes(remaining)
                .setBlob(blob).build());
    }

    public void close() {
        background.shutdownNow();
    }
}
