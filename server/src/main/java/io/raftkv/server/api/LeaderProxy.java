package io.raftkv.server.api;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.proto.raft.MemberRecord;
import io.raftkv.server.node.RaftKvNode;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Channels to other members' client ports, for requests only the leader may serve (membership
 * changes, leadership transfer): a follower passes them on unchanged, so clients need not find
 * the leader themselves.
 */
public final class LeaderProxy implements AutoCloseable {
    private final RaftKvNode node;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public LeaderProxy(RaftKvNode node) {
        this.node = node;
    }

    /** A channel to the current leader's client endpoint, if the leader is another member and known. */
    public Optional<ManagedChannel> leader() {
        long leader = node.leaderId();
        if (leader == 0 || leader == node.memberId()) {
            return Optional.empty();
        }
        return node.members().get(leader).filter(m -> m.getClientUrlsCount() > 0).map(this::channel);
    }

    /**
     * Like {@link #leader()}, but when the leader is known and its client URL is not yet (members
     * announce their URLs through the log right after start), waits briefly for it. Empty when
     * this node leads or no leader is known after the wait. Used by rare administrative calls.
     */
    public Optional<ManagedChannel> awaitLeader() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (true) {
            Optional<ManagedChannel> leader = leader();
            boolean settled = leader.isPresent() || node.isLeader();
            if (settled || System.nanoTime() > deadline) {
                return leader;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return leader;
            }
        }
    }

    private ManagedChannel channel(MemberRecord member) {
        String url = member.getClientUrls(0);
        return channels.computeIfAbsent(url, u -> {
            URI uri = URI.create(u);
            return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
        });
    }

    public long deadlineMillis() {
        return node.requestTimeoutMillis();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.values().forEach(c -> {
            try {
                c.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
