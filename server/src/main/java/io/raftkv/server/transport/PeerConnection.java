package io.raftkv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.RaftMessageBatch;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.proto.raft.SendAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The outbound stream to one peer. Messages queue in a bounded buffer and go out in batches on
 * one long-lived gRPC stream; when the stream breaks the peer is reported unreachable and the
 * stream is re-opened after a backoff that doubles up to a cap. A full buffer drops messages,
 * which Raft treats like lost packets.
 */
final class PeerConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);
    private static final int QUEUE_CAPACITY = 8_192;
    private static final int MAX_BATCH_MESSAGES = 512;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final long peerId;
    private final long clusterId;
    private final ManagedChannel channel;
    private final LongConsumer onUnreachable;
    private final BlockingQueue<RaftMessage> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread sender;
    private volatile boolean open = true;

    PeerConnection(long peerId, long clusterId, URI peerUrl, LongConsumer onUnreachable) {
        this.peerId = peerId;
        this.clusterId = clusterId;
        this.onUnreachable = onUnreachable;
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

    ManagedChannel channel() {
        return channel;
    }

    private void sendLoop() {
        long backoff = MIN_BACKOFF_MILLIS;
        List<RaftMessage> batch = new ArrayList<>();
        while (open) {
            StreamState stream = new StreamState();
            ClientCallStreamObserver<RaftMessageBatch> requests = stream.open(RaftTransportGrpc.newStub(channel));
            try {
                while (open && !stream.broken) {
                    RaftMessage first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH_MESSAGES - 1);
                    // Respect flow control: never buffer without bound inside gRPC.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (!requests.isReady() && !stream.broken && System.nanoTime() < deadline) {
                        synchronized (stream) {
                            stream.wait(10);
                        }
                    }
                    if (!requests.isReady() || stream.broken) {
                        stream.broken = true;
                        break;
                    }
                    requests.onNext(RaftMessageBatch.newBuilder().setClusterId(clusterId).addAllMessages(batch).build());
                    batch.clear();
                    backoff = MIN_BACKOFF_MILLIS;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                open = false;
            } catch (RuntimeException e) {
                stream.broken = true;
            }
            batch.clear();
            try {
                requests.onCompleted();
            } catch (RuntimeException ignored) {
                // already failed
            }
            if (open) {
                onUnreachable.accept(peerId);
                queue.clear(); // stale messages: the core will resend what matters
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    open = false;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                // gRPC's own reconnect backoff grows to minutes while the peer is down, and a
                // stream opened meanwhile fails without trying: a restarted peer then went
                // unreached for 10-16 s. Our backoff (capped at 2 s) decides when to retry.
                channel.resetConnectBackoff();
            }
        }
    }

    /** One attempt at a stream; {@code broken} flips when gRPC reports it failed. */
    private static final class StreamState {
        volatile boolean broken;

        ClientCallStreamObserver<RaftMessageBatch> open(RaftTransportGrpc.RaftTransportStub stub) {
            ClientResponseObserver<RaftMessageBatch, SendAck> responses = new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<RaftMessageBatch> requestStream) {
                    requestStream.setOnReadyHandler(() -> {
                        synchronized (StreamState.this) {
                            StreamState.this.notifyAll();
                        }
                    });
                }

                @Override
                public void onNext(SendAck value) {}

                @Override
                public void onError(Throwable t) {
                    broken = true;
                }

                @Override
                public void onCompleted() {
                    broken = true;
                }
            };
            return (ClientCallStreamObserver<RaftMessageBatch>) stub.send(responses);
        }
    }

    @Override
    public void close() {
        open = false;
        sender.interrupt();
        channel.shutdownNow();
    }
}
