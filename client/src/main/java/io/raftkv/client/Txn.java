package io.raftkv.client;

import io.raftkv.proto.etcd.TxnRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A transaction: {@code if all(when) then(ops) else(otherwise ops)}, applied atomically at one
 * revision. Built fluently and sent with {@link #commit()}:
 * <pre>{@code
 * client.kv().txn()
 *     .when(Cmp.modRevision(k).eq(rev))
 *     .then(Op.put(k, v))
 *     .otherwise(Op.get(k))
 *     .commit();
 * }</pre>
 * A transaction that only reads is retried on failover like a read; any other is a write.
 */
public final class Txn {
  private final Optional<KvClient> kv;
  private final List<Cmp> compares = new ArrayList<>();
  private final List<Op> success = new ArrayList<>();
  private final List<Op> failure = new ArrayList<>();

  Txn(Optional<KvClient> kv) {
    this.kv = kv;
  }

  /** A transaction to nest inside another with {@link Op#txn(Txn)}; it cannot be committed alone. */
  public static Txn nested() {
    return new Txn(Optional.empty());
  }

  public Txn when(Cmp... cmps) {
    compares.addAll(Arrays.asList(cmps));
    return this;
  }

  public Txn then(Op... ops) {
    success.addAll(Arrays.asList(ops));
    return this;
  }

  public Txn otherwise(Op... ops) {
    failure.addAll(Arrays.asList(ops));
    return this;
  }

  public CompletableFuture<OpResult.TxnResult> commit() {
    return kv.orElseThrow(() -> new IllegalStateException("a nested transaction is committed by its parent"))
        .commit(this);
  }

  boolean readOnly() {
    return success.stream().allMatch(Op::readOnly) && failure.stream().allMatch(Op::readOnly);
  }

  TxnRequest toRequest() {
    TxnRequest.Builder b = TxnRequest.newBuilder();
    compares.forEach(c -> b.addCompare(c.proto()));
    success.forEach(o -> b.addSuccess(ProtoCodec.request(o)));
    failure.forEach(o -> b.addFailure(ProtoCodec.request(o)));
    return b.build();
  }
}
