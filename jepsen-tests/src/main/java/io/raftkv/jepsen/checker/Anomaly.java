package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.Operation;
import java.util.List;

/**
 * One thing a checker found wrong (or could not decide), with the operations that show it
 * and the time window to highlight in the report's timeline.
 */
public record Anomaly(String kind, String key, String explanation, List<Operation> operations,
    long fromTime, long toTime) {

  public Anomaly {
    operations = List.copyOf(operations);
  }

  public static Anomaly of(String kind, String key, String explanation, List<Operation> ops) {
    long from = ops.stream().mapToLong(Operation::invokeTime).min().orElse(0);
    long to = ops.stream().mapToLong(o -> o.completeTime() == Long.MAX_VALUE ? o.invokeTime()
        : o.completeTime()).max().orElse(from);
    return new Anomaly(kind, key, explanation, ops, from, to);
  }

  public String describe() {
    StringBuilder s = new StringBuilder(kind).append(key.isEmpty() ? "" : " on " + key)
        .append(": ").append(explanation);
    for (Operation op : operations) {
      s.append("\n    ").append(op.describe());
    }
    return s.toString();
  }
}
