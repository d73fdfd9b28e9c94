package io.raftkv.jepsen.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.Histories;
import io.raftkv.jepsen.checker.LinearizabilityChecker;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFile;
import io.raftkv.jepsen.history.Operation;
import io.raftkv.jepsen.nemesis.FaultPeriod;
import io.raftkv.jepsen.runner.RunResult;
import io.raftkv.jepsen.runner.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  @Test
  void writesHistoryResultsSummaryPlotsAndAHighlightedTimeline(@TempDir Path dir)
      throws Exception {
    History history = new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .op(2, 3, 1, "write", "x", "2", "null")
        .op(4, 5, 2, "read", "x", "null", "1")
        .op(0, 1, 3, "write", "y", "1", "null")
        .build();
    CheckResult check = LinearizabilityChecker.register().check(history, op -> true);
    List<FaultPeriod> faults = List.of(new FaultPeriod("partition-one", "n1 -/- [n2, n3]",
        1_500_000_000L, 4_500_000_000L));
    TestConfig config = TestConfig.smoke("unit", "register", "partition-one",
        Duration.ofSeconds(5), 1);
    RunResult run = new RunResult(config, "etcd", check.verdict(), List.of(check), history,
        faults, dir);
    ReportWriter.write(run, Operation::key);

    assertThat(HistoryFile.read(dir.resolve("history.jsonl")).ops()).isEqualTo(history.ops());
    assertThat(Files.readString(dir.resolve("results.json")))
        .contains("\"verdict\" : \"INVALID\"").contains("nonlinearizable")
        .contains("partition-one");
    assertThat(Files.readString(dir.resolve("summary.txt")))
        .contains("INVALID").contains("partition-one").contains("n1 -/- [n2, n3]");
    for (String svg : List.of("latency.svg", "throughput.svg")) {
      // Well-formed XML, with the fault period drawn.
      DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(dir.resolve(svg).toFile());
      assertThat(Files.readString(dir.resolve(svg))).contains("partition-one");
    }
    String bad = Files.readString(dir.resolve("timelines/x.html"));
    assertThat(bad).contains("fill='#ffd0d0'").contains("stroke='red'")
        .contains("read x nil @4.000s -&gt; ok 1").contains("partition-one");
    String good = Files.readString(dir.resolve("timelines/y.html"));
    assertThat(good).doesNotContain("fill='#ffd0d0'");
    assertThat(Files.readString(dir.resolve("timelines/index.html")))
        .contains("x.html").contains("y.html").contains("1 anomalies");
  }
}
