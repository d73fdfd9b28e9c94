package io.raftkv.server.recipes;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.etcd.TxnResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.mvcc.KeyValue;
import io.raftkv.server.node.RaftKvNode;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The queue discipline behind etcd's lock and election services: each contender owns the key
 * {@code prefix/<lease id in hex>}, and the contender whose key has the lowest create revision
 * holds the lock or leads. Waiting is a periodic linearizable check (no thread blocks), bounded
 * by the caller's gRPC deadline.
 */
final class KeyOwnership implements AutoCloseable {
    private static final long POLL_MILLIS = 25;

    private final RaftKvNode node;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lock-election-wait");
        t.setDaemon(true);
        return t;
    });

    KeyOwnership(RaftKvNode node) {
        this.node = node;
    }

    static ByteString ownerKey(ByteString prefix, long lease) {
        return prefix.concat(ByteString.copyFromUtf8("/" + Long.toHexString(lease)));
    }

    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.concat(ByteString.copyFromUtf8("/")).toByteArray();
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    /** Creates the owner key (bound to the lease) unless it exists; returns the key as stored. */
    CompletableFuture<KeyValue> enqueue(ByteString key, ByteString value, long lease) {
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value)
                        .setLease(lease)))
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                .build();
        return node.propose(InternalRequest.newBuilder().setTxn(txn).build()).thenApply(m -> {
            TxnResponse r = (TxnResponse) m;
            RangeResponse range = r.getResponses(r.getResponsesCount() - 1).getResponseRange();
            if (range.getKvsCount() == 0) {
                throw io.raftkv.server.api.EtcdError.LEASE_NOT_FOUND.asException();
            }
            return range.getKvs(0);
        });
    }

    /** The contender with the lowest create revision under {@code prefix}, read linearizably. */
    CompletableFuture<Optional<KeyValue>> first(ByteString prefix) {
        return node.linearizableBarrier().thenApply(v -> {
            RangeResponse r = node.store().range(RangeRequest.newBuilder()
                    .setKey(prefix.concat(ByteString.copyFromUtf8("/"))).setRangeEnd(prefixEnd(prefix))
                    .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.ASCEND)
                    .setLimit(1).build());
            return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0));
        });
    }

    /**
     * Completes once {@code mine} is the first in line. Fails if the key disappears (its lease
     * expired or it was deleted) or {@code cancelled} reports the caller went away.
     */
    CompletableFuture<Void> awaitTurn(ByteString prefix, KeyValue mine, java.util.function.BooleanSupplier cancelled) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        check(prefix, mine, cancelled, done);
        return done;
    }

    private void check(ByteString prefix, KeyValue mine, java.util.function.BooleanSupplier cancelled,
                       CompletableFuture<Void> done) {
        if (cancelled.getAsBoolean()) {
            done.completeExceptionally(io.grpc.Status.CANCELLED.withDescription("context canceled").asRuntimeException());
            return;
        }
        first(prefix).whenComplete((head, error) -> {
            if (error != null) {
                reschedule(prefix, mine, cancelled, done);
            } else if (head.isEmpty() || head.get().getCreateRevision() > mine.getCreateRevision()) {
                done.completeExceptionally(io.raftkv.server.api.EtcdError.LEASE_NOT_FOUND.asException());
            } else if (head.get().getKey().equals(mine.getKey())
                    && head.get().getCreateRevision() == mine.getCreateRevision()) {
                done.complete(null);
            } else {
                reschedule(prefix, mine, cancelled, done);
            }
        });
    }

    private void reschedule(ByteString prefix, KeyValue mine, java.util.function.BooleanSupplier cancelled,
                            CompletableFuture<Void> done) {
        timer.schedule(() -> check(prefix, mine, cancelled, done), POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
