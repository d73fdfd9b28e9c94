package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks lease histories, per lease (the op's key is the lease's name, e.g. {@code lease-3}):
 * <ul>
 *   <li>{@code grant} argument {@code {"ttl": s}}: OK when granted;
 *   <li>{@code attach}: a put of the lease's key bound to the lease, OK when stored;
 *   <li>{@code keepalive}: OK when the server refreshed the lease (it was alive);
 *   <li>{@code ttl}: OK value {@code {"ttl": n}}, n &lt; 0 meaning the lease is gone;
 *   <li>{@code read}: OK value {@code {"present": bool}}, a linearizable read of the key.
 * </ul>
 * Only the test JVM's clock is used. A lease refreshed by an op invoked at t expires no
 * earlier than t + TTL on the server. So: (1) once a read that completed at g saw the key
 * gone, no keepalive or ttl op invoked after g may report the lease alive; (2) a read that saw
 * the key gone must have completed at least TTL after the invocation of every grant or
 * keepalive that succeeded before it.
 */
public final class LeaseChecker {

  public CheckResult check(History history) {
    Map<String, List<Operation>> byLease = new LinkedHashMap<>();
    for (Operation op : history.operations()) {
      if (List.of("grant", "attach", "keepalive", "ttl", "read").contains(op.f())) {
        byLease.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<Anomaly> anomalies = new ArrayList<>();
    long expired = 0;
    for (Map.Entry<String, List<Operation>> e : byLease.entrySet()) {
      if (checkLease(e.getKey(), e.getValue(), anomalies)) {
        expired++;
      }
    }
    Verdict verdict = anomalies.isEmpty() ? Verdict.VALID : Verdict.INVALID;
    String summary = verdict == Verdict.VALID
        ? byLease.size() + " leases consistent, " + expired + " observed expiring"
        : anomalies.size() + " anomalies on " + byLease.size() + " leases";
    return new CheckResult("lease", verdict, summary, anomalies,
        Map.of("leases", (long) byLease.size(), "expired", expired));
  }

  /** Returns whether the lease was observed gone. */
  private boolean checkLease(String lease, List<Operation> ops, List<Anomaly> anomalies) {
    Operation grant = ops.stream()
        .filter(o -> o.f().equals("grant") && o.outcome() == OpType.OK).findFirst().orElse(null);
    Operation attach = ops.stream()
        .filter(o -> o.f().equals("attach") && o.outcome() == OpType.OK).findFirst().orElse(null);
    if (grant == null || attach == null) {
      return false;
    }
    long ttlNanos = grant.argument().path("ttl").asLong() * 1_000_000_000L;
    List<Operation> refreshes = ops.stream()
        .filter(o -> (o.f().equals("grant") || o.f().equals("keepalive"))
            && o.outcome() == OpType.OK).toList();
    // Reads that saw the key gone after the attach was acknowledged.
    List<Operation> goneReads = ops.stream()
        .filter(o -> o.f().equals("read") && o.outcome() == OpType.OK
            && !o.completion().value().path("present").asBoolean(true)
            && o.invokeTime() > attach.completeTime())
        .sorted(Comparator.comparingLong(Operation::completeTime)).toList();
    if (goneReads.isEmpty()) {
      return false;
    }
    Operation firstGone = goneReads.get(0);
    for (Operation op : ops) {
      boolean reportsAlive = op.outcome() == OpType.OK && (op.f().equals("keepalive")
          || (op.f().equals("ttl") && op.completion().value().path("ttl").asLong(-1) > 0));
      if (reportsAlive && op.invokeTime() > firstGone.completeTime()) {
        anomalies.add(Anomaly.of("alive-after-keys-gone", lease, op.f()
            + " reported the lease alive after a read had seen its key gone",
            List.of(firstGone, op)));
        break;
      }
    }
    for (Operation read : goneReads) {
      // The latest refresh invoked before the read completed gives the tightest bound.
      Operation latest = refreshes.stream()
          .filter(r -> r.invokeTime() < read.completeTime())
          .max(Comparator.comparingLong(Operation::invokeTime)).orElse(grant);
      if (read.completeTime() < latest.invokeTime() + ttlNanos) {
        anomalies.add(Anomaly.of("expired-early", lease, String.format(
            "key gone %.3f s after a refresh, before the TTL of %d s",
            (read.completeTime() - latest.invokeTime()) / 1e9, ttlNanos / 1_000_000_000L),
            List.of(latest, read)));
        break;
      }
    }
    return true;
  }
}
