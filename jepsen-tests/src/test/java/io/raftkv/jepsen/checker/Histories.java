package io.raftkv.jepsen.checker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds hand-written histories for checker tests; times are in whole seconds. */
public final class Histories {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Op> ops = new ArrayList<>();
  private final Map<Integer, Op> open = new HashMap<>();

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  public Histories invoke(double at, int process, String f, String key, String value) {
    Op op = new Op(0, OpType.INVOKE, process, (long) (at * 1e9), f, key, json(value), null);
    open.put(process, op);
    ops.add(op);
    return this;
  }

  public Histories complete(double at, int process, OpType type, String value) {
    Op invoke = open.remove(process);
    ops.add(new Op(0, type, process, (long) (at * 1e9), invoke.f(), invoke.key(), json(value),
        type == OpType.OK ? null : "test"));
    return this;
  }

  public Histories ok(double at, int process, String value) {
    return complete(at, process, OpType.OK, value);
  }

  public Histories ok(double at, int process) {
    return complete(at, process, OpType.OK, "null");
  }

  public Histories fail(double at, int process) {
    return complete(at, process, OpType.FAIL, "null");
  }

  public Histories info(double at, int process) {
    return complete(at, process, OpType.INFO, "null");
  }

  /** A complete op in one call: invoke at {@code from}, OK at {@code to}. */
  public Histories op(double from, double to, int process, String f, String key, String arg,
      String result) {
    return invoke(from, process, f, key, arg).ok(to, process, result);
  }

  public History build() {
    List<Op> sorted = new ArrayList<>(ops);
    sorted.sort(Comparator.comparingLong(Op::time)); // stable: equal times keep insertion order
    return new History(sorted);
  }
}
