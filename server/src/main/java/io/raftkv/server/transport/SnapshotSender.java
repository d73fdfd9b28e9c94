package io.raftkv.server.transport;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import io.raftkv.proto.raft.SnapshotOffsetRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot file to a follower in chunks. It first asks how much the follower
 * already holds, so a transfer cut by a network failure resumes instead of starting over; the
 * last chunk carries the file's CRC32C and the InstallSnapshot message to step once verified.
 */
final class SnapshotSender {
    static final int CHUNK_BYTES = 1 << 20;

    private SnapshotSender() {}

    static void send(ManagedChannel channel, long clusterId, long from, String snapshotId, Path file,
                     RaftMessage installMessage) throws IOException, InterruptedException {
        long total = Files.size(file);
        long offset = RaftTransportGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .snapshotOffset(SnapshotOffsetRequest.newBuilder().setSnapshotId(snapshotId).build()).getOffset();
        if (offset > total) {
            offset = 0;
        }
        int crc = crc32c(file);
        CompletableFuture<SnapshotAck> done = new CompletableFuture<>();
        StreamObserver<SnapshotChunk> out = RaftTransportGrpc.newStub(channel)
                .withDeadlineAfter(30, TimeUnit.MINUTES)
                .installSnapshot(new StreamObserver<>() {
                    @Override
                    public void onNext(SnapshotAck ack) {
                        done.complete(ack);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(SnapshotAck.getDefaultInstance());
                    }
                });
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            byte[] buf = new byte[CHUNK_BYTES];
            long position = offset;
            boolean last;
            do {
                int n = in.readNBytes(buf, 0, buf.length);
                last = position + n >= total;
                SnapshotChunk.Builder chunk = SnapshotChunk.newBuilder().setClusterId(clusterId).setFrom(from)
                        .setSnapshotId(snapshotId).setOffset(position).setTotalBytes(total)
                        .setData(ByteString.copyFrom(buf, 0, n)).setLast(last);
                if (last) {
                    chunk.setMessage(installMessage).setCrc32C(crc);
                }
                out.onNext(chunk.build());
                position += n;
                if (done.isDone()) {
                    break; // the receiver failed the stream early
                }
            } while (!last);
        } catch (IOException | RuntimeException e) {
            out.onError(e);
            throw e;
        }
        out.onCompleted();
        try {
            done.get(30, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("sending snapshot " + snapshotId + " failed: " + e.getMessage(), e);
        }
    }

    static int crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
            }
        }
        return (int) crc.getValue();
    }
}
