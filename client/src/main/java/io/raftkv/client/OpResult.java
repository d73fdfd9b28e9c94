package io.raftkv.client;

import java.util.List;
import java.util.Optional;

/** The result of one operation, alone or inside a transaction. */
public sealed interface OpResult {
  Header header();

  /** A range read: the keys found, whether the limit cut the range, and the total count. */
  record GetResult(Header header, List<KeyValue> kvs, boolean more, long count) implements OpResult {
    public GetResult {
      kvs = List.copyOf(kvs);
    }

    /** The first key found, if any: the one key of a single-key get. */
    public Optional<KeyValue> first() {
      return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }
  }

  /** A put: the new store revision is {@code header().revision()}. */
  record PutResult(Header header, Optional<KeyValue> prevKv) implements OpResult {}

  /** A delete: how many keys it deleted, and their last versions when asked for. */
  record DeleteResult(Header header, long deleted, List<KeyValue> prevKvs) implements OpResult {
    public DeleteResult {
      prevKvs = List.copyOf(prevKvs);
    }
  }

  /** A transaction: which branch ran, and the result of each of its operations in order. */
  record TxnResult(Header header, boolean succeeded, List<OpResult> results) implements OpResult {
    public TxnResult {
      results = List.copyOf(results);
    }
  }
}
