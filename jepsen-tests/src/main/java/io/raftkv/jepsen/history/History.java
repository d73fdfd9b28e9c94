package io.raftkv.jepsen.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An ordered list of {@link Op}s (invokes and completions interleaved as they happened).
 * A process has at most one operation in flight: its next line after an INVOKE completes it.
 */
public final class History {
  private final List<Op> ops;

  public History(List<Op> ops) {
    List<Op> indexed = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      indexed.add(ops.get(i).index() == i ? ops.get(i) : ops.get(i).withIndex(i));
    }
    this.ops = Collections.unmodifiableList(indexed);
  }

  public List<Op> ops() {
    return ops;
  }

  public int size() {
    return ops.size();
  }

  /**
   * Pairs each invocation with its completion, in invocation order. An invocation without a
   * completion becomes indeterminate (INFO).
   *
   * @throws IllegalStateException if a process invokes twice without completing, or a
   *     completion has no invocation: the history itself is malformed
   */
  public List<Operation> operations() {
    Map<Integer, Op> open = new HashMap<>();
    Map<Op, Op> completions = new LinkedHashMap<>();
    for (Op op : ops) {
      if (op.isInvoke()) {
        Op previous = open.put(op.process(), op);
        if (previous != null) {
          throw new IllegalStateException("process " + op.process()
              + " invoked " + op.describe() + " while " + previous.describe() + " was in flight");
        }
        completions.put(op, null);
      } else {
        Op invoke = open.remove(op.process());
        if (invoke == null) {
          throw new IllegalStateException("completion without invocation: " + op.describe());
        }
        completions.put(invoke, op);
      }
    }
    List<Operation> result = new ArrayList<>(completions.size());
    completions.forEach((invoke, completion) -> result.add(new Operation(invoke,
        completion != null ? completion
            : new Op(-1, OpType.INFO, invoke.process(), Long.MAX_VALUE, invoke.f(), invoke.key(),
                null, "history ended while in flight"))));
    return result;
  }

  public List<Operation> operations(Predicate<Operation> filter) {
    return operations().stream().filter(filter).toList();
  }

  /** The history's duration: the last recorded time. */
  public long endTime() {
    return ops.isEmpty() ? 0 : ops.get(ops.size() - 1).time();
  }
}
