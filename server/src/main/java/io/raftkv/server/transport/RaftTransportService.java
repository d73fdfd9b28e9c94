package io.raftkv.server.transport;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.LeaseRenewRequest;
import io.raftkv.proto.raft.LeaseRenewResponse;
import io.raftkv.proto.raft.MembersRequest;
import io.raftkv.proto.raft.MembersResponse;
import io.raftkv.proto.raft.MemberRecord;
import io.raftkv.proto.raft.ProgressRequest;
import io.raftkv.proto.raft.ProgressResponse;
import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.ProposalPlacement;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.RaftMessageBatch;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.proto.raft.SendAck;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import io.raftkv.proto.raft.SnapshotOffsetRequest;
import io.raftkv.proto.raft.SnapshotOffsetResponse;
import io.raftkv.raft.core.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The receiving end of the peer protocol: steps peers' messages into the local core, writes
 * incoming snapshots to disk (resumable, verified by CRC32C before use), hands on proposals that
 * followers forward (and the leader's placements of this node's own), and serves the requests
 * only the leader can answer.
 */
public final class RaftTransportService extends RaftTransportGrpc.RaftTransportImplBase {
    private static final Logger log = LoggerFactory.getLogger(RaftTransportService.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** Both ends of proposal forwarding, as the peer streams deliver them. */
    public interface Forwarding {
        /** A follower's mutation for this node to append, if it leads; answered with a placement. */
        void forwarded(long follower, ForwardedProposal proposal);

        /** The leader says where it appended (or why it refused) a proposal this node forwarded. */
        void placed(long leader, ProposalPlacement placement);
    }

    /** What followers ask of this node when it leads. */
    public interface LeaderRequests {
        /** A lease keep-alive or TTL query forwarded by a follower. */
        void leaseRenew(LeaseRenewRequest request, StreamObserver<LeaseRenewResponse> response);

        void progress(ProgressRequest request, StreamObserver<ProgressResponse> response);
    }

    /** The member table this node holds, for members joining the cluster. */
    public interface MemberTable {
        List<MemberRecord> members();
    }

    private final long clusterId;
    private final Consumer<Message> step;
    private final SnapshotStore snapshots;
    private final Forwarding forwarding;
    private final LeaderRequests leaderRequests;
    private final MemberTable memberTable;

    public RaftTransportService(long clusterId, Consumer<Message> step, SnapshotStore snapshots,
                                Forwarding forwarding, LeaderRequests leaderRequests, MemberTable memberTable) {
        this.clusterId = clusterId;
        this.step = step;
        this.snapshots = snapshots;
        this.forwarding = forwarding;
        this.leaderRequests = leaderRequests;
        this.memberTable = memberTable;
    }

    @Override
    public StreamObserver<RaftMessageBatch> send(StreamObserver<SendAck> ack) {
        return new StreamObserver<>() {
            @Override
            public void onNext(RaftMessageBatch batch) {
                if (batch.getClusterId() != clusterId) {
                    ack.onError(Status.FAILED_PRECONDITION.withDescription("raftkv: message from cluster "
                            + Long.toUnsignedString(batch.getClusterId(), 16) + ", this is "
                            + Long.toUnsignedString(clusterId, 16)).asRuntimeException());
                    return;
                }
                for (RaftMessage m : batch.getMessagesList()) {
                    try {
                        step.accept(MessageCodec.decode(m));
                    } catch (IllegalArgumentException e) {
                        log.warn("ignoring undecodable peer message: {}", e.getMessage());
                    }
                }
                for (ForwardedProposal p : batch.getProposalsList()) {
                    forwarding.forwarded(batch.getFrom(), p);
                }
                for (ProposalPlacement p : batch.getPlacementsList()) {
                    forwarding.placed(batch.getFrom(), p);
                }
            }

            @Override
            public void onError(Throwable t) {
                // The sender reconnects; nothing to clean up here.
            }

            @Override
            public void onCompleted() {
                ack.onNext(SendAck.getDefaultInstance());
                ack.onCompleted();
            }
        };
    }

    @Override
    public void snapshotOffset(SnapshotOffsetRequest request, StreamObserver<SnapshotOffsetResponse> response) {
        long offset = 0;
        if (SAFE_ID.matcher(request.getSnapshotId()).matches()) {
            try {
                Path part = snapshots.incomingPart(request.getSnapshotId());
                offset = Files.exists(part) ? Files.size(part) : 0;
            } catch (IOException e) {
                offset = 0;
            }
        }
        response.onNext(SnapshotOffsetResponse.newBuilder().setOffset(offset).build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<SnapshotChunk> installSnapshot(StreamObserver<SnapshotAck> ack) {
        return new StreamObserver<>() {
            private FileChannel file;
            private long received;
            private boolean failed;

            @Override
            public void onNext(SnapshotChunk chunk) {
                if (failed) {
                    return;
                }
                try {
                    if (chunk.getClusterId() != clusterId || !SAFE_ID.matcher(chunk.getSnapshotId()).matches()) {
                        throw new IOException("bad snapshot chunk for " + chunk.getSnapshotId());
                    }
                    Path part = snapshots.incomingPart(chunk.getSnapshotId());
                    if (file == null) {
                        Files.createDirectories(part.getParent());
                        file = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        if (chunk.getOffset() == 0) {
                            file.truncate(0);
                        } else if (file.size() < chunk.getOffset()) {
                            throw new IOException("snapshot resume at " + chunk.getOffset() + " but only "
                                    + file.size() + " bytes held");
                        }
                    }
                    ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
                    long position = chunk.getOffset();
                    while (data.hasRemaining()) {
                        position += file.write(data, position);
                    }
                    received = position;
                    if (chunk.getLast()) {
                        file.force(true);
                        file.close();
                        file = null;
                        if (SnapshotSender.crc32c(part) != chunk.getCrc32C()) {
                            Files.deleteIfExists(part);
                            throw new IOException("snapshot " + chunk.getSnapshotId() + " failed its CRC32C check");
                        }
                        Files.move(part, snapshots.incomingComplete(chunk.getSnapshotId()),
                                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        step.accept(MessageCodec.decode(chunk.getMessage()));
                    }
                } catch (IOException | RuntimeException e) {
                    failed = true;
                    closeQuietly();
                    ack.onError(Status.DATA_LOSS.withDescription("raftkv: " + e.getMessage()).asRuntimeException());
                }
            }

            @Override
            public void onError(Throwable t) {
                closeQuietly(); // the partial file stays for a resumed transfer
            }

            @Override
            public void onCompleted() {
                closeQuietly();
                if (!failed) {
                    ack.onNext(SnapshotAck.newBuilder().setReceivedBytes(received).build());
                    ack.onCompleted();
                }
            }

            private void closeQuietly() {
                if (file != null) {
                    try {
                        file.close();
                    } catch (IOException ignored) {
                        // nothing more to do
                    }
                    file = null;
                }
            }
        };
    }

    @Override
    public void leaseRenew(LeaseRenewRequest request, StreamObserver<LeaseRenewResponse> response) {
        leaderRequests.leaseRenew(request, response);
    }

    @Override
    public void progress(ProgressRequest request, StreamObserver<ProgressResponse> response) {
        leaderRequests.progress(request, response);
    }

    @Override
    public void members(MembersRequest request, StreamObserver<MembersResponse> response) {
        response.onNext(MembersResponse.newBuilder().addAllMembers(memberTable.members()).build());
        response.onCompleted();
    }
}
