package io.raftkv.server.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.ProposalPlacement;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.SnapshotDescriptor;
import io.raftkv.raft.core.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Carries the core's outgoing messages to the other members: one {@link PeerConnection} per
 * peer, dialled at start ({@link #connectAll}) or on first use from the {@link PeerDirectory};
 * snapshots go out of band on their own thread so a large transfer never delays heartbeats.
 * Forwarded proposals and their placements share the consensus messages' streams.
 */
public final class PeerTransport implements Consumer<List<Message>>, ProposalLinks, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);

    /** Feedback to the Raft core about delivery failures. */
    public interface DeliveryListener {
        void unreachable(long peer);

        /** The peer's host closed or refused our connection: its process is gone (not merely slow or cut off). */
        void connectionReset(long peer);

        void snapshotSent(long peer, boolean succeeded);
    }

    private final long selfId;
    private final long clusterId;
    private final PeerDirectory directory;
    private final SnapshotStore snapshots;
    private final DeliveryListener listener;
    private final Map<Long, PeerConnection> connections = new ConcurrentHashMap<>();
    private final Map<Long, URI> connectedUrls = new ConcurrentHashMap<>();
    private final ExecutorService snapshotSenders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "snapshot-sender");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, Boolean> snapshotInFlight = new ConcurrentHashMap<>();

    public PeerTransport(long selfId, long clusterId, PeerDirectory directory, SnapshotStore snapshots,
                         DeliveryListener listener) {
        this.selfId = selfId;
        this.clusterId = clusterId;
        this.directory = directory;
        this.snapshots = snapshots;
        this.listener = listener;
    }

    @Override
    public void accept(List<Message> messages) {
        for (Message m : messages) {
            if (m.to() == selfId) {
                continue;
            }
            if (m instanceof Message.InstallSnapshotRequest snapshot) {
                sendSnapshot(snapshot);
                continue;
            }
            PeerConnection connection = connection(m.to());
            if (connection != null) {
                connection.enqueue(MessageCodec.encode(m));
            }
        }
    }

    @Override
    public Queued forward(long leader, ForwardedProposal proposal) {
        PeerConnection connection = connection(leader);
        if (connection == null) {
            return Queued.NO_ADDRESS;
        }
        return connection.enqueue(proposal) ? Queued.YES : Queued.QUEUE_FULL;
    }

    @Override
    public void place(long follower, ProposalPlacement placement) {
        PeerConnection connection = connection(follower);
        if (connection != null) {
            connection.enqueue(placement); // if lost, the follower's call times out
        }
    }

    /**
     * Opens the connection to each peer now rather than with the first message, as etcd's
     * transport dials its streams at start: the first election's votes and a restarted member's
     * first acknowledgements then find the connection (and its TCP and HTTP/2 handshakes)
     * already made. A peer that is not up yet is reached when the core first sends to it.
     */
    public void connectAll() {
        for (long peer : directory.members()) {
            if (peer != selfId) {
                PeerConnection c = connection(peer);
                if (c != null) {
                    c.connect();
                }
            }
        }
    }

    private PeerConnection connection(long peer) {
        URI url = directory.peerUrl(peer).orElse(null);
        if (url == null) {
            return null;
        }
        PeerConnection existing = connections.get(peer);
        if (existing != null && url.equals(connectedUrls.get(peer))) {
            return existing;
        }
        // First contact, or the member's peer URL changed (MemberUpdate): reconnect.
        synchronized (connections) {
            existing = connections.get(peer);
            if (existing != null && url.equals(connectedUrls.get(peer))) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            PeerConnection fresh = new PeerConnection(selfId, peer, clusterId, url, new PeerConnection.Listener() {
                @Override
                public void unreachable(long p) {
                    listener.unreachable(p);
                }

                @Override
                public void connectionReset(long p) {
                    listener.connectionReset(p);
                }
            });
            connections.put(peer, fresh);
            connectedUrls.put(peer, url);
            return fresh;
        }
    }

    private void sendSnapshot(Message.InstallSnapshotRequest request) {
        long peer = request.to();
        if (snapshotInFlight.putIfAbsent(peer, Boolean.TRUE) != null) {
            return; // one transfer per follower at a time; the core re-sends after reportSnapshot
        }
        PeerConnection connection = connection(peer);
        if (connection == null) {
            snapshotInFlight.remove(peer);
            listener.snapshotSent(peer, false);
            return;
        }
        String snapshotId;
        try {
            snapshotId = SnapshotDescriptor.parseFrom(request.snapshot().data()).getSnapshotId();
        } catch (InvalidProtocolBufferException e) {
            snapshotInFlight.remove(peer);
            listener.snapshotSent(peer, false);
            return;
        }
        RaftMessage wire = MessageCodec.encode(request);
        snapshotSenders.execute(() -> {
            boolean ok = false;
            try {
                SnapshotSender.send(connection.channel(), clusterId, selfId, snapshotId,
                        snapshots.outgoing(snapshotId), wire);
                ok = true;
            } catch (Exception e) {
                log.warn("snapshot {} to {} failed: {}", snapshotId, Long.toUnsignedString(peer, 16), e.toString());
            } finally {
                snapshotInFlight.remove(peer);
                listener.snapshotSent(peer, ok);
            }
        });
    }

    /** The channel to {@code peer}, for requests to it (lease renewals); null if its address is unknown. */
    public ManagedChannel channel(long peer) {
        PeerConnection c = connection(peer);
        return c == null ? null : c.channel();
    }

    public void forget(long peer) {
        PeerConnection c = connections.remove(peer);
        connectedUrls.remove(peer);
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() {
        snapshotSenders.shutdownNow();
        connections.values().forEach(PeerConnection::close);
        connections.clear();
    }
}
