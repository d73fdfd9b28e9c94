package io.raftkv.client;

/** One operation of a transaction branch. */
public sealed interface Op {
  record Get(ByteSequence key, GetOptions options) implements Op {}

  record Put(ByteSequence key, ByteSequence value, PutOptions options) implements Op {}

  record Delete(ByteSequence key, DeleteOptions options) implements Op {}

  /** A nested transaction (etcd ≥ 3.3). */
  record Nested(Txn txn) implements Op {}

  static Op get(ByteSequence key) {
    return new Get(key, GetOptions.DEFAULT);
  }

  static Op get(ByteSequence key, GetOptions options) {
    return new Get(key, options);
  }

  static Op put(ByteSequence key, ByteSequence value) {
    return new Put(key, value, PutOptions.DEFAULT);
  }

  static Op put(ByteSequence key, ByteSequence value, PutOptions options) {
    return new Put(key, value, options);
  }

  static Op put(String key, String value) {
    return put(ByteSequence.of(key), ByteSequence.of(value));
  }

  static Op delete(ByteSequence key) {
    return new Delete(key, DeleteOptions.DEFAULT);
  }

  static Op delete(ByteSequence key, DeleteOptions options) {
    return new Delete(key, options);
  }

  /** A nested transaction built with {@link Txn#nested()}. */
  static Op txn(Txn txn) {
    return new Nested(txn);
  }

  /** True when this operation, nested transactions included, writes nothing. */
  default boolean readOnly() {
    if (this instanceof Nested n) {
      return n.txn().readOnly();
    }
    return this instanceof Get;
  }
}
