package io.raftkv.jepsen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.raftkv.jepsen.checker.Anomaly;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.history.HistoryFile;
import io.raftkv.jepsen.history.Operation;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.runner.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes a run's report directory: history.jsonl, results.json, summary.txt, latency.svg,
 * throughput.svg, and timelines/&lt;key&gt;.html (every key with an anomaly, then others up to
 * a limit) with an index.html linking them all.
 */
public final class ReportWriter {
  private static final int MAX_TIMELINES = 40;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  public static void write(RunResult run, Function<Operation, String> timelineKey) {
    Path dir = run.reportDirectory();
    try {
      Files.createDirectories(dir.resolve("timelines"));
      HistoryFile.write(run.history(), dir.resolve("history.jsonl"));
      JSON.writeValue(dir.resolve("results.json").toFile(), results(run));
      Files.writeString(dir.resolve("summary.txt"), summary(run));
      Files.writeString(dir.resolve("latency.svg"), Plots.latency(run.history(), run.faults()));
      Files.writeString(dir.resolve("throughput.svg"),
          Plots.throughput(run.history(), run.faults()));
      writeTimelines(run, timelineKey, dir.resolve("timelines"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report to " + dir, e);
    }
  }

  private static Map<String, Object> results(RunResult run) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("test", run.config().testName());
    root.put("sut", run.sut());
    root.put("verdict", run.verdict().name());
    root.put("config", run.config().toString());
    root.put("operations", run.completedOperations());
    List<Map<String, Object>> checks = new ArrayList<>();
    for (CheckResult r : run.results()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("checker", r.checker());
      c.put("verdict", r.verdict().name());
      c.put("summary", r.summary());
      c.put("stats", r.stats());
      c.put("anomalies", r.anomalies().stream().map(a -> Map.of(
          "kind", a.kind(), "key", a.key(), "explanation", a.explanation(),
          "operations", a.operations().stream().map(Operation::describe).toList(),
          "from", a.fromTime(), "to", a.toTime())).toList());
      checks.add(c);
    }
    root.put("results", checks);
    root.put("faults", run.faults());
    return root;
  }

  private static String summary(RunResult run) {
    Map<OpType, Long> byType = run.history().ops().stream().filter(o -> !o.isInvoke())
        .collect(Collectors.groupingBy(o -> o.type(), Collectors.counting()));
    StringBuilder s = new StringBuilder();
    s.append(run.describe()).append("\n\nconfig: ").append(run.config()).append('\n')
        .append("completions: ").append(byType).append('\n')
        .append(String.format("duration: %.1f s%n", run.history().endTime() / 1e9))
        .append("faults:\n");
    run.faults().forEach(f -> s.append(String.format("  %7.2fs-%7.2fs %-18s %s%n",
        f.start() / 1e9, f.end() / 1e9, f.nemesis(), f.description())));
    return s.toString();
  }

  private static void writeTimelines(RunResult run, Function<Operation, String> timelineKey,
      Path dir) throws IOException {
    Map<String, List<Operation>> byKey = new LinkedHashMap<>();
    for (Operation op : run.history().operations()) {
      byKey.computeIfAbsent(timelineKey.apply(op), k -> new ArrayList<>()).add(op);
    }
    Map<String, List<Anomaly>> anomaliesByKey = run.results().stream()
        .flatMap(r -> r.anomalies().stream())
        .collect(Collectors.groupingBy(Anomaly::key));
    List<String> keys = new ArrayList<>(byKey.keySet());
    keys.sort((a, b) -> Boolean.compare(!anomaliesByKey.containsKey(a),
        !anomaliesByKey.containsKey(b)));
    StringBuilder index = new StringBuilder("<!doctype html><html><body style='font-family:"
        + "sans-serif'><h2>" + Svg.esc(run.config().testName()) + ": " + run.verdict()
        + "</h2><p><img src='../latency.svg'><br><img src='../throughput.svg'></p><ul>\n");
    int written = 0;
    for (String key : keys) {
      if (written >= MAX_TIMELINES && !anomaliesByKey.containsKey(key)) {
        break;
      }
      String file = (key.isEmpty() ? "_" : key.replaceAll("[^A-Za-z0-9._-]", "_")) + ".html";
      List<Anomaly> anomalies = anomaliesByKey.getOrDefault(key, List.of());
      Files.writeString(dir.resolve(file), Timeline.html(key, byKey.get(key), run.faults(),
          anomalies, run.history().endTime()));
      index.append("<li><a href='").append(file).append("'>").append(Svg.esc(key.isEmpty()
              ? "(no key)" : key)).append("</a> ").append(byKey.get(key).size()).append(" ops")
          .append(anomalies.isEmpty() ? "" : " <b style='color:red'>" + anomalies.size()
              + " anomalies</b>").append("</li>\n");
      written++;
    }
    index.append("</ul></body></html>\n");
    Files.writeString(dir.resolve("index.html"), index.toString());
  }
}
