package io.raftkv.jepsen.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a live history from many client threads. Times come from one monotonic clock
 * started when the recorder is created; the order of lines is the order of {@link #record}
 * calls, so an invoke is always recorded before the request is sent and a completion only
 * after the response arrived.
 */
public final class HistoryRecorder {
  private final long startNanos = System.nanoTime();
  private final List<Op> ops = new ArrayList<>();

  public long now() {
    return System.nanoTime() - startNanos;
  }

  public synchronized Op invoke(int process, String f, String key, JsonNode value) {
    return append(OpType.INVOKE, process, f, key, value, null);
  }

  public synchronized Op complete(Op invoke, OpType type, JsonNode value, String error) {
    if (type == OpType.INVOKE) {
      throw new IllegalArgumentException("a completion cannot be an invoke");
    }
    return append(type, invoke.process(), invoke.f(), invoke.key(), value, error);
  }

  private Op append(OpType type, int process, String f, String key, JsonNode value, String error) {
    Op op = new Op(ops.size(), type, process, now(), f, key, value, error);
    ops.add(op);
    return op;
  }

  public synchronized History snapshot() {
    return new History(List.copyOf(ops));
  }
}
