package io.raftkv.jepsen.runner;

import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.Verdict;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.nemesis.FaultPeriod;
import java.nio.file.Path;
import java.util.List;

/** What a run produced: the combined verdict, each checker's result, and where the report is. */
public record RunResult(TestConfig config, String sut, Verdict verdict, List<CheckResult> results,
    History history, List<FaultPeriod> faults, Path reportDirectory) {

  public boolean valid() {
    return verdict == Verdict.VALID;
  }

  public long completedOperations() {
    return history.ops().stream().filter(o -> !o.isInvoke()).count();
  }

  public String describe() {
    StringBuilder s = new StringBuilder(config.testName()).append(" on ").append(sut)
        .append(": ").append(verdict).append(" (").append(completedOperations())
        .append(" ops, ").append(faults.size()).append(" faults; report ")
        .append(reportDirectory).append(')');
    results.forEach(r -> s.append("\n  ").append(r.describe().replace("\n", "\n  ")));
    return s.toString();
  }
}
