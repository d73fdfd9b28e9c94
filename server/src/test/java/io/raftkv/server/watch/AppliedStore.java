package io.raftkv.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.CompactionRequest;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.storage.mvcc.ApplyBatchResult;
import io.raftkv.storage.mvcc.ApplyResult;
import io.raftkv.storage.mvcc.CommittedCommand;
import io.raftkv.storage.mvcc.MvccOptions;
import io.raftkv.storage.mvcc.MvccStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real MVCC store with a watch hub, driven the way the node's apply loop drives them: each
 * write is one committed entry, applied with {@code applyBatch}, and its events published.
 * The calling thread plays the apply thread.
 */
final class AppliedStore implements AutoCloseable {
    final MvccStore store;
    final WatchHub hub;
    private long index;

    AppliedStore(Path dir, WatchOptions options) {
        store = MvccStore.open(dir, MvccOptions.defaults());
        hub = new WatchHub(store, options);
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    long put(String key, String value) {
        return apply(InternalRequest.newBuilder()
                .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))).build());
    }

    long delete(String key) {
        return apply(InternalRequest.newBuilder()
                .setDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key))).build());
    }

    /** Puts every entry in one txn: one revision for all of them. */
    long putAll(Map<String, String> entries) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        entries.forEach((k, v) -> txn.addSuccess(RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(bytes(k)).setValue(bytes(v)))));
        return apply(InternalRequest.newBuilder().setTxn(txn).build());
    }

    void compact(long revision) {
        apply(InternalRequest.newBuilder().setCompaction(CompactionRequest.newBuilder().setRevision(revision)).build());
        assertThat(store.state().compactRevision()).isEqualTo(revision);
    }

    long revision() {
        return store.state().revision();
    }

    /** A put the hub never hears of, as when a snapshot replaces the store underneath it. */
    long putUnpublished(String key, String value) {
        return applyOnly(InternalRequest.newBuilder()
                .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))).build()).revision();
    }

    /** A put whose publish is timed: returns the nanoseconds {@code publish} held the calling (apply) thread. */
    synchronized long timedPut(String key, String value) {
        ApplyBatchResult result = applyOnly(InternalRequest.newBuilder()
                .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))).build());
        long start = System.nanoTime();
        hub.publish(result.events(), result.revision());
        return System.nanoTime() - start;
    }

    private synchronized long apply(InternalRequest request) {
        ApplyBatchResult result = applyOnly(request);
        hub.publish(result.events(), result.revision());
        return result.revision();
    }

    private synchronized ApplyBatchResult applyOnly(InternalRequest request) {
        ApplyBatchResult result = store.applyBatch(List.of(new CommittedCommand.Request(++index, 1, request)));
        assertThat(result.results()).allSatisfy(r -> assertThat(r).isInstanceOf(ApplyResult.Applied.class));
        return result;
    }

    @Override
    public void close() {
        hub.close();
        store.close();
    }
}
