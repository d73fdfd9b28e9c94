package io.raftkv.server.node;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.proto.raft.MemberRecord;
import io.raftkv.proto.raft.MembersRequest;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.server.config.NodeConfig;
import io.raftkv.storage.snapshot.DurableFile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this node is in the cluster: its member id, fixed when it first starts and kept in
 * {@code <data-dir>/member_id}.
 *
 * <ul>
 *   <li>A member of a new cluster derives it from its peer URLs and the cluster token, as every
 *       other initial member derives it, so they agree without talking.</li>
 *   <li>A member joining an existing cluster was given its id by {@code member add}, which never
 *       hands out a removed member's id again (etcd's rule: a delayed message from the removed
 *       incarnation must never count for the new one). It asks the members named in
 *       {@code --initial-cluster} for their member table and finds itself by its peer URLs.</li>
 *   <li>A data directory written before this file existed keeps the derived id.</li>
 * </ul>
 */
final class MemberIdentity {
    private static final Logger log = LoggerFactory.getLogger(MemberIdentity.class);
    private static final String FILE = "member_id";
    private static final Duration JOIN_BOUND = Duration.ofSeconds(60);

    /** The id, and the members a joining node learned from the cluster (empty otherwise). */
    record Resolved(long memberId, List<MemberRecord> clusterMembers) {}

    private MemberIdentity() {}

    static Resolved resolve(NodeConfig config, boolean freshLog, boolean joining) throws IOException {
        Path file = config.dataDir().resolve(FILE);
        if (Files.exists(file)) {
            return new Resolved(read(file), List.of());
        }
        Resolved resolved = freshLog && joining ? askTheCluster(config)
                : new Resolved(config.memberId(), List.of());
        write(file, resolved.memberId());
        return resolved;
    }

    private static Resolved askTheCluster(NodeConfig config) throws IOException {
        List<String> mine = config.initialAdvertisePeerUrls().stream().map(URI::toString).toList();
        List<URI> others = new ArrayList<>();
        config.initialCluster().values().forEach(urls -> urls.stream()
                .filter(u -> !mine.contains(u.toString())).findFirst().ifPresent(others::add));
        if (others.isEmpty()) {
            throw new IOException("--initial-cluster-state existing, but --initial-cluster names no other member"
                    + " to join through");
        }
        long deadline = System.nanoTime() + JOIN_BOUND.toNanos();
        String lastAnswer = "";
        while (System.nanoTime() < deadline) {
            for (URI peer : others) {
                try {
                    List<MemberRecord> members = membersOf(peer);
                    Optional<MemberRecord> me = members.stream()
                            .filter(m -> m.getPeerUrlsList().stream().anyMatch(mine::contains)).findFirst();
                    if (me.isPresent()) {
                        log.info("joining as member {}, added by the cluster (asked {})",
                                Long.toUnsignedString(me.get().getId(), 16), peer);
                        return new Resolved(me.get().getId(), members);
                    }
                    lastAnswer = peer + " lists no member with peer URLs " + mine;
                } catch (StatusRuntimeException e) {
                    lastAnswer = peer + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription();
                }
            }
            try {
                Thread.sleep(500); // members may still be starting or applying the `member add`
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking the cluster for this member's id", e);
            }
        }
        throw new IOException("cannot join the existing cluster within " + JOIN_BOUND.toSeconds()
                + " s: add this member first (member add --peer-urls=" + String.join(",", mine)
                + "); last answer: " + lastAnswer);
    }

    private static List<MemberRecord> membersOf(URI peer) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(peer.getHost(), peer.getPort()).usePlaintext().build();
        try {
            return RaftTransportGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .members(MembersRequest.getDefaultInstance()).getMembersList();
        } finally {
            channel.shutdownNow();
        }
    }

    private static long read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a member id: '" + text + "'", e);
        }
    }

    private static void write(Path file, long id) throws IOException {
        DurableFile.replace(file, (Long.toUnsignedString(id, 16) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
