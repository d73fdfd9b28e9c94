package io.raftkv.jepsen.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * One line of a history: a process invoking an operation, or that operation completing.
 *
 * <p>{@code time} is nanoseconds since the test started, on the test JVM's monotonic clock
 * (the nodes' clocks may be skewed on purpose, so they are never used for checking).
 * {@code value} is whatever the workload's operation carries: for a register read an integer
 * or null, for a write an integer, for a compare-and-set {@code [expected, new]}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Op(
    long index, OpType type, int process, long time, String f, String key, JsonNode value,
    String error) {

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    key = key == null ? "" : key;
    value = value == null ? NullNode.getInstance() : value;
  }

  @JsonIgnore
  public boolean isInvoke() {
    return type == OpType.INVOKE;
  }

  public Op withIndex(long newIndex) {
    return new Op(newIndex, type, process, time, f, key, value, error);
  }

  /** A short human-readable form used in reports: {@code p3 ok cas r1 [1,2]}. */
  public String describe() {
    String v = value.isNull() ? "nil" : value.toString();
    return "#" + index + " p" + process + " " + type.name().toLowerCase() + " " + f
        + (key.isEmpty() ? "" : " " + key) + " " + v
        + (error == null ? "" : " (" + error + ")")
        + " @" + String.format("%.3fs", time / 1e9);
  }
}
