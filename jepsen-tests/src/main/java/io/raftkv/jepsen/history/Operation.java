package io.raftkv.jepsen.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An invocation paired with its completion. A history that ends while an operation is still
 * in flight gets an INFO completion at "infinity" ({@link Long#MAX_VALUE}), exactly as if it
 * had timed out: it may or may not have taken effect.
 */
public record Operation(Op invoke, Op completion) {

  public OpType outcome() {
    return completion.type();
  }

  public String f() {
    return invoke.f();
  }

  public String key() {
    return invoke.key();
  }

  public int process() {
    return invoke.process();
  }

  public long invokeTime() {
    return invoke.time();
  }

  /** Completion time; {@link Long#MAX_VALUE} for an indeterminate operation. */
  public long completeTime() {
    return completion.type() == OpType.INFO ? Long.MAX_VALUE : completion.time();
  }

  /** The value the operation was invoked with (write value, CAS pair, appended element). */
  public JsonNode argument() {
    return invoke.value();
  }

  /** The value the operation returned (what a read observed); the argument if it returned none. */
  public JsonNode result() {
    return completion.value().isNull() ? invoke.value() : completion.value();
  }

  public String describe() {
    return invoke.describe() + " -> " + completion.type().name().toLowerCase()
        + (completion.value().isNull() ? "" : " " + completion.value())
        + (completion.error() == null ? "" : " (" + completion.error() + ")")
        + (completion.type() == OpType.INFO ? "" : String.format(" @%.3fs", completion.time() / 1e9));
  }
}
