package io.raftkv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.ProposalPlacement;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.RaftMessageBatch;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.proto.raft.SendAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The outbound stream to one peer. Messages queue in a bounded buffer and go out in batches on
 * one long-lived gRPC stream. When the stream breaks the peer is reported unreachable, and a new
 * stream is opened for the next message the core sends (at the latest its next heartbeat): a
 * restarted peer is reached as soon as it listens, not after a growing backoff. A stream closed
 * by the peer's host (reset, refused) is reported at once as a connection reset, which lets
 * followers replace a dead leader quickly. A full buffer drops messages, which Raft treats like
 * lost packets; a forwarded proposal that finds the buffer full is refused to its caller.
 */
final class PeerConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);
    private static final int QUEUE_CAPACITY = 8_192;
    private static final int MAX_BATCH_MESSAGES = 512;
    /** Bytes of messages in one batch, well below the peer server's 64 MiB message limit. */
    static final long MAX_BATCH_BYTES = 16L << 20;
    /** Least time between two stream attempts, so a burst of messages to a dead peer cannot spin. */
    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** What the transport learns of the peer from this connection. */
    interface Listener {
        /** A stream broke: the core should probe the peer again. */
        void unreachable(long peer);

        /** The peer's host closed or refused the connection: its process is gone. */
        void connectionReset(long peer);
    }

    private final long selfId;
    private final long peerId;
    private final long clusterId;
    private final ManagedChannel channel;
    private final Listener listener;
    /** {@link RaftMessage}s, {@link ForwardedProposal}s and {@link ProposalPlacement}s, in order. */
    private final BlockingQueue<com.google.protobuf.Message> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread sender;
    private volatile boolean open = true;

    PeerConnection(long selfId, long peerId, long clusterId, URI peerUrl, Listener listener) {
        this.selfId = selfId;
        this.peerId = peerId;
        this.clusterId = clusterId;
        this.listener = listener;
        this.channel = NettyChannelBuilder.forAddress(peerUrl.getHost(), peerUrl.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
        this.sender = new Thread(this::sendLoop, "peer-" + Long.toUnsignedString(peerId, 16));
        this.sender.setDaemon(true);
        this.sender.start();
    }

    void enqueue(RaftMessage message) {
        if (!queue.offer(message)) {
            log.debug("peer {} queue full: dropping a {}", Long.toUnsignedString(peerId, 16), message.getType());
        }
    }

    /** Queues a forwarded proposal or a placement; false when the buffer is full. */
    boolean enqueue(ForwardedProposal proposal) {
        return queue.offer(proposal);
    }

    void enqueue(ProposalPlacement placement) {
        if (!queue.offer(placement)) {
            log.debug("peer {} queue full: dropping a placement", Long.toUnsignedString(peerId, 16));
        }
    }

    /** Starts connecting (TCP and HTTP/2 handshakes) without waiting for a message to send. */
    void connect() {
        channel.getState(true);
    }

    ManagedChannel channel() {
        return channel;
    }

    private void sendLoop() {
        List<com.google.protobuf.Message> batch = new ArrayList<>();
        StreamState stream = null;
        ClientCallStreamObserver<RaftMessageBatch> requests = null;
        long lastAttempt = System.nanoTime() - MIN_RETRY_NANOS;
        try {
            while (open) {
                com.google.protobuf.Message first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (stream != null && stream.broken) {
                    streamBroken(requests);
                    stream = null;
                }
                if (first == null) {
                    continue;
                }
                fillBatch(batch, first);
                if (stream == null) {
                    long wait = lastAttempt + MIN_RETRY_NANOS - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    // gRPC's own reconnect backoff grows to minutes while the peer is down, and a
                    // stream opened meanwhile fails without trying: a restarted peer then went
                    // unreached for 10-16 s. Each stream we open tries to connect at once.
                    channel.resetConnectBackoff();
                    lastAttempt = System.nanoTime();
                    stream = new StreamState();
                    requests = stream.open(RaftTransportGrpc.newStub(channel));
                }
                // Respect flow control: never buffer without bound inside gRPC.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!requests.isReady() && !stream.broken && System.nanoTime() < deadline) {
                    synchronized (stream) {
                        stream.wait(10);
                    }
                }
                if (!requests.isReady() || stream.broken) {
                    batch.clear();
                    streamBroken(requests);
                    stream = null;
                    continue;
                }
                try {
                    requests.onNext(toBatch(batch));
                } catch (RuntimeException e) {
                    stream.broken = true; // failed between isReady and onNext: the next message reconnects
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            open = false;
        } catch (RuntimeException e) {
            log.warn("peer {} sender failed: {}", Long.toUnsignedString(peerId, 16), e.toString());
        } finally {
            if (requests != null) {
                completeQuietly(requests);
            }
        }
    }

    /**
     * {@code first}, then what is queued behind it, up to {@link #MAX_BATCH_MESSAGES} and
     * {@link #MAX_BATCH_BYTES}: the peer refuses a gRPC message over 64 MiB, and forwarded client
     * writes of up to --max-request-bytes each could otherwise add up to more in one batch.
     */
    private void fillBatch(List<com.google.protobuf.Message> batch, com.google.protobuf.Message first) {
        batch.add(first);
        long bytes = first.getSerializedSize();
        while (batch.size() < MAX_BATCH_MESSAGES) {
            com.google.protobuf.Message next = queue.peek(); // this thread alone takes from the queue
            if (next == null || bytes + next.getSerializedSize() > MAX_BATCH_BYTES) {
                return;
            }
            batch.add(queue.poll());
            bytes += next.getSerializedSize();
        }
    }

    private RaftMessageBatch toBatch(List<com.google.protobuf.Message> batch) {
        RaftMessageBatch.Builder b = RaftMessageBatch.newBuilder().setClusterId(clusterId).setFrom(selfId);
        for (com.google.protobuf.Message m : batch) {
            if (m instanceof RaftMessage r) {
                b.addMessages(r);
            } else if (m instanceof ForwardedProposal p) {
                b.addProposals(p);
            } else {
                b.addPlacements((ProposalPlacement) m);
            }
        }
        return b.build();
    }

    private void streamBroken(ClientCallStreamObserver<RaftMessageBatch> requests) {
        completeQuietly(requests);
        if (open) {
            // Stale messages: the core will resend what matters. Cleared before the report, so
            // that no forwarded proposal dropped here is left waiting by the callers the report fails.
            queue.clear();
            listener.unreachable(peerId);
        }
    }

    private static void completeQuietly(ClientCallStreamObserver<RaftMessageBatch> requests) {
        try {
            requests.onCompleted();
        } catch (RuntimeException ignored) {
            // already failed
        }
    }

    /**
     * Whether a stream failed because the peer's host closed or refused the connection. Its
     * process is gone then: a live process behind a slow or cut network gives timeouts instead
     * (keep-alive, connect timeout, flow control), which we must not report, or a follower cut
     * off from a live leader would stop honouring its lease.
     */
    static boolean closedByPeerHost(Throwable t) {
        Status status = Status.fromThrowable(t);
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            return false;
        }
        String description = String.valueOf(status.getDescription());
        if (description.contains("Keepalive") || description.contains("timed out")) {
            return false;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
                return false;
            }
        }
        // Refused (nothing listens), reset, or closed without a GOAWAY ("Network closed for
        // unknown reason"): what the kernel does with the sockets of a killed process.
        return true;
    }

    /** One attempt at a stream; {@code broken} flips when gRPC reports it failed. */
    private final class StreamState {
        volatile boolean broken;

        ClientCallStreamObserver<RaftMessageBatch> open(RaftTransportGrpc.RaftTransportStub stub) {
            ClientResponseObserver<RaftMessageBatch, SendAck> responses = new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<RaftMessageBatch> requestStream) {
                    requestStream.setOnReadyHandler(StreamState.this::wake);
                }

                @Override
                public void onNext(SendAck value) {}

                @Override
                public void onError(Throwable t) {
                    broken = true;
                    wake();
                    // Reported from gRPC's thread, not the sender's next poll: every millisecond
                    // counts when this is the leader dying.
                    if (open && closedByPeerHost(t)) {
                        log.debug("peer {} closed the connection: {}", Long.toUnsignedString(peerId, 16), t.toString());
                        listener.connectionReset(peerId);
                    }
                }

                @Override
                public void onCompleted() {
                    broken = true;
                    wake();
                }
            };
            return (ClientCallStreamObserver<RaftMessageBatch>) stub.send(responses);
        }

        private synchronized void wake() {
            notifyAll();
        }
    }

    @Override
    public void close() {
        open = false;
        sender.interrupt();
        channel.shutdownNow();
    }
}
