package io.raftkv.jepsen.checker;

import java.util.List;
import java.util.Map;

/**
 * What one checker concluded about a history: the verdict, a one-line summary, every anomaly
 * found, and counters for the report (operations checked, keys, search states...).
 */
public record CheckResult(String checker, Verdict verdict, String summary,
    List<Anomaly> anomalies, Map<String, Long> stats) {

  public CheckResult {
    anomalies = List.copyOf(anomalies);
    stats = Map.copyOf(stats);
  }

  public boolean valid() {
    return verdict == Verdict.VALID;
  }

  public String describe() {
    StringBuilder s = new StringBuilder(checker).append(": ").append(verdict).append(" - ")
        .append(summary);
    anomalies.forEach(a -> s.append("\n  ").append(a.describe().replace("\n", "\n  ")));
    return s.toString();
  }
}
