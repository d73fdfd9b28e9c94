package io.raftkv.jepsen.report;

import io.raftkv.jepsen.checker.Anomaly;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.history.Operation;
import io.raftkv.jepsen.nemesis.FaultPeriod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An HTML page per key: one row per process, each operation a bar from invocation to
 * completion (indeterminate ones run to the end, dashed), fault periods shaded grey, and for a
 * key with anomalies the failing region in red with the offending operations outlined.
 */
final class Timeline {
  private static final double LEFT = 70;
  private static final double WIDTH = 1400;
  private static final double ROW = 18;

  private Timeline() {}

  static String html(String key, List<Operation> ops, List<FaultPeriod> faults,
      List<Anomaly> anomalies, long endTime) {
    Map<Integer, Integer> rows = new TreeMap<>();
    ops.forEach(o -> rows.putIfAbsent(o.process(), 0));
    int r = 0;
    for (Integer p : rows.keySet()) {
      rows.put(p, r++);
    }
    long start = ops.stream().mapToLong(Operation::invokeTime).min().orElse(0);
    long end = Math.max(start + 1, ops.stream()
        .mapToLong(o -> o.completeTime() == Long.MAX_VALUE ? o.invokeTime() : o.completeTime())
        .max().orElse(endTime));
    // Zoom on the failing region when there is one, with some context around it.
    if (!anomalies.isEmpty()) {
      long from = anomalies.stream().mapToLong(Anomaly::fromTime).min().orElse(start);
      long to = anomalies.stream().mapToLong(Anomaly::toTime).max().orElse(end);
      long margin = Math.max(500_000_000L, (to - from) / 2);
      start = Math.max(start, from - margin);
      end = Math.min(end, to + margin);
    }
    long s0 = start;
    long e0 = end;
    List<Operation> shown = ops.stream().filter(o -> o.invokeTime() <= e0
        && (o.completeTime() == Long.MAX_VALUE || o.completeTime() >= s0)).toList();
    Set<Operation> offending = anomalies.stream().flatMap(a -> a.operations().stream())
        .collect(Collectors.toSet());
    double height = rows.size() * ROW + 40;
    Svg.TimeScale scale = new Svg.TimeScale(start, end, LEFT, WIDTH);
    StringBuilder svg = new StringBuilder(String.format("<svg xmlns='http://www.w3.org/2000/svg' "
        + "width='%.0f' height='%.0f' font-family='monospace'>%n", LEFT + WIDTH + 20, height + 30));
    Svg.faults(svg, faults, scale, 0, height);
    for (Anomaly a : anomalies) {
      double x = scale.x(a.fromTime());
      svg.append(String.format("<rect x='%.1f' y='0' width='%.1f' height='%.1f' fill='#ffd0d0' "
          + "stroke='red'><title>%s</title></rect>%n", x,
          Math.max(2, scale.x(a.toTime()) - x), height, Svg.esc(a.describe())));
    }
    rows.forEach((process, row) -> svg.append(String.format(
        "<text x='4' y='%.1f' font-size='11'>p%d</text>%n", 20 + row * ROW + 12, process)));
    for (Operation op : shown) {
      double y = 20 + rows.get(op.process()) * ROW;
      double x1 = scale.x(op.invokeTime());
      double x2 = scale.x(op.completeTime() == Long.MAX_VALUE ? end : op.completeTime());
      String fill = switch (op.outcome()) {
        case OK -> "#b7e4c7";
        case FAIL -> "#f4b6b6";
        default -> "#ffd8a8";
      };
      boolean bad = offending.contains(op);
      svg.append(String.format("<g><title>%s</title><rect x='%.1f' y='%.1f' width='%.1f' "
              + "height='%.1f' fill='%s' stroke='%s' stroke-width='%s'%s/>"
              + "<text x='%.1f' y='%.1f' font-size='10'>%s</text></g>%n",
          Svg.esc(op.describe()), x1, y, Math.max(2, x2 - x1), ROW - 3, fill,
          bad ? "red" : "#555", bad ? "2" : "0.5",
          op.outcome() == OpType.INFO ? " stroke-dasharray='3,2'" : "",
          x1 + 2, y + 11, Svg.esc(label(op))));
    }
    Svg.timeAxis(svg, scale, height);
    svg.append("</svg>\n");
    StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset='utf-8'>"
        + "<title>" + Svg.esc(key) + "</title></head><body style='font-family:sans-serif'>\n");
    html.append("<h2>Key ").append(Svg.esc(key)).append("</h2>\n<p>").append(shown.size())
        .append(" of ").append(ops.size()).append(" operations shown")
        .append(anomalies.isEmpty() ? "" : "; zoomed on the failing region (red)")
        .append(". Green ok, pink fail, orange dashed indeterminate; grey bands are faults. "
            + "Hover for details.</p>\n");
    for (Anomaly a : anomalies) {
      html.append("<pre style='color:#b00'>").append(Svg.esc(a.describe())).append("</pre>\n");
    }
    html.append(svg).append("</body></html>\n");
    return html.toString();
  }

  private static String label(Operation op) {
    String arg = op.argument().isNull() ? "" : op.argument().toString();
    String result = op.outcome() == OpType.OK && !op.completion().value().isNull()
        ? "→" + abbreviate(op.completion().value().toString()) : "";
    return op.f() + " " + abbreviate(arg) + result;
  }

  private static String abbreviate(String s) {
    return s.length() > 24 ? s.substring(0, 21) + "..." : s;
  }
}
