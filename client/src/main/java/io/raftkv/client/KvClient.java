package io.raftkv.client;

import io.raftkv.client.OpResult.DeleteResult;
import io.raftkv.client.OpResult.GetResult;
import io.raftkv.client.OpResult.PutResult;
import io.raftkv.client.OpResult.TxnResult;
import io.raftkv.proto.etcd.CompactionRequest;
import io.raftkv.proto.etcd.KVGrpc;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value API: get, put, delete, transactions and compaction.
 *
 * <p>Failover: gets and read-only transactions are retried on the next endpoint on any
 * UNAVAILABLE failure. Puts, deletes, writing transactions and compactions are retried only
 * when the request certainly never reached a server (the connection was refused); otherwise an
 * {@link RaftKvException.UnavailableException} tells the caller that the outcome is unknown.
 */
public final class KvClient {
  private final Failover failover;

  KvClient(Failover failover) {
    this.failover = failover;
  }

  public CompletableFuture<GetResult> get(ByteSequence key) {
    return get(key, GetOptions.DEFAULT);
  }

  public CompletableFuture<GetResult> get(String key) {
    return get(ByteSequence.of(key));
  }

  public CompletableFuture<GetResult> get(String key, GetOptions options) {
    return get(ByteSequence.of(key), options);
  }

  public CompletableFuture<GetResult> get(ByteSequence key, GetOptions options) {
    var request = options.toRequest(key);
    return failover.call(Idempotency.READ,
        (ch, deadline) -> KVGrpc.newFutureStub(ch).withDeadline(deadline).range(request))
        .thenApply(ProtoCodec::get);
  }

  /** Reads one key's current value, if present. */
  public CompletableFuture<Optional<KeyValue>> getOne(ByteSequence key) {
    return get(key).thenApply(GetResult::first);
  }

  public CompletableFuture<PutResult> put(String key, String value) {
    return put(ByteSequence.of(key), ByteSequence.of(value));
  }

  public CompletableFuture<PutResult> put(ByteSequence key, ByteSequence value) {
    return put(key, value, PutOptions.DEFAULT);
  }

  public CompletableFuture<PutResult> put(ByteSequence key, ByteSequence value, PutOptions options) {
    var request = options.toRequest(key, value);
    return failover.call(Idempotency.MUTATION,
        (ch, deadline) -> KVGrpc.newFutureStub(ch).withDeadline(deadline).put(request))
        .thenApply(ProtoCodec::put);
  }

  public CompletableFuture<DeleteResult> delete(String key) {
    return delete(ByteSequence.of(key));
  }

  public CompletableFuture<DeleteResult> delete(ByteSequence key) {
    return delete(key, DeleteOptions.DEFAULT);
  }

  public CompletableFuture<DeleteResult> delete(ByteSequence key, DeleteOptions options) {
    var request = options.toRequest(key);
    return failover.call(Idempotency.MUTATION,
        (ch, deadline) -> KVGrpc.newFutureStub(ch).withDeadline(deadline).deleteRange(request))
        .thenApply(ProtoCodec::delete);
  }

  /** Starts a transaction; send it with {@link Txn#commit()}. */
  public Txn txn() {
    return new Txn(Optional.of(this));
  }

  CompletableFuture<TxnResult> commit(Txn txn) {
    var request = txn.toRequest();
    Idempotency kind = txn.readOnly() ? Idempotency.READ : Idempotency.MUTATION;
    return failover.call(kind, (ch, deadline) -> KVGrpc.newFutureStub(ch).withDeadline(deadline).txn(request))
        .thenApply(ProtoCodec::txn);
  }

  /** Drops the history below {@code revision}; the latest version of every live key stays. */
  public CompletableFuture<Header> compact(long revision) {
    return compact(revision, false);
  }

  /** With {@code physical}, returns only once the compaction is applied to the backend. */
  public CompletableFuture<Header> compact(long revision, boolean physical) {
    var request = CompactionRequest.newBuilder().setRevision(revision).setPhysical(physical).build();
    return failover.call(Idempotency.MUTATION,
        (ch, deadline) -> KVGrpc.newFutureStub(ch).withDeadline(deadline).compact(request))
        .thenApply(r -> Header.from(r.getHeader()));
  }
}
