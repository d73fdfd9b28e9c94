package io.raftkv.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.LeaseGrpc;
import io.raftkv.proto.raft.RaftTransportGrpc;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses where a gRPC call runs. The servers are built with a direct executor, so the hot
 * calls run on the Netty event loop up to the hand-off to the Raft thread (no hop to a pool
 * thread and back); every other call, which may block (defragment, hashes, snapshots, member
 * changes waiting for a leader, snapshot files, watch history), runs on {@link #blocking}.
 *
 * <p>A call listed here must never block: KV and Lease only validate, enqueue a proposal or a
 * ReadIndex and return (a serializable range reads RocksDB in place); Raft's {@code Send} only
 * offers decoded messages and forwarded proposals to the Raft thread's queue.
 */
final class EventLoopCalls implements ServerCallExecutorSupplier, AutoCloseable {
    private static final Set<String> CLIENT_SERVICES = Set.of(KVGrpc.SERVICE_NAME, LeaseGrpc.SERVICE_NAME);
    private static final Set<String> PEER_METHODS = Set.of(RaftTransportGrpc.getSendMethod().getFullMethodName());

    private final ExecutorService blocking;
    private final boolean peer;

    private EventLoopCalls(String name, boolean peer) {
        AtomicInteger n = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.peer = peer;
    }

    /** For the etcd API on the client URLs. */
    static EventLoopCalls forClients() {
        return new EventLoopCalls("grpc-client-blocking", false);
    }

    /** For the peer protocol. */
    static EventLoopCalls forPeers() {
        return new EventLoopCalls("grpc-peer-blocking", true);
    }

    /** {@code null} keeps the call on the server's direct executor (the event loop). */
    @Override
    public <ReqT, RespT> java.util.concurrent.Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
        return onEventLoop(call.getMethodDescriptor().getFullMethodName()) ? null : blocking;
    }

    boolean onEventLoop(String fullMethodName) {
        return peer ? PEER_METHODS.contains(fullMethodName)
                : CLIENT_SERVICES.contains(io.grpc.MethodDescriptor.extractFullServiceName(fullMethodName));
    }

    @Override
    public void close() {
        blocking.shutdown();
        try {
            blocking.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        blocking.shutdownNow();
    }
}
