package io.raftkv.jepsen.report;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.history.Operation;
import io.raftkv.jepsen.nemesis.FaultPeriod;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Latency (scatter, log scale) and throughput (per second) over time, faults shaded. */
final class Plots {
  private static final double LEFT = 60;
  private static final double WIDTH = 1000;
  private static final double TOP = 20;
  private static final double HEIGHT = 300;
  private static final Map<OpType, String> COLORS = Map.of(
      OpType.OK, "#2a9d4a", OpType.FAIL, "#d62828", OpType.INFO, "#f18f01");

  private Plots() {}

  static String latency(History history, List<FaultPeriod> faults) {
    List<Operation> ops = history.operations(o -> o.completeTime() != Long.MAX_VALUE);
    Svg.TimeScale scale = new Svg.TimeScale(0, Math.max(1, history.endTime()), LEFT, WIDTH);
    double maxMs = ops.stream().mapToDouble(o -> (o.completeTime() - o.invokeTime()) / 1e6)
        .max().orElse(1);
    double logMax = Math.log10(Math.max(10, maxMs));
    double logMin = -1; // 0.1 ms
    StringBuilder out = header("Latency of completed operations (ms, log scale)");
    Svg.faults(out, faults, scale, TOP, HEIGHT);
    for (double decade = Math.ceil(logMin); decade <= logMax; decade++) {
      double y = TOP + HEIGHT - (decade - logMin) / (logMax - logMin) * HEIGHT;
      out.append(String.format("<line x1='%.0f' y1='%.1f' x2='%.0f' y2='%.1f' stroke='#ddd'/>"
              + "<text x='%.0f' y='%.1f' font-size='10' text-anchor='end'>%s</text>%n",
          LEFT, y, LEFT + WIDTH, y, LEFT - 4, y + 3, formatMs(Math.pow(10, decade))));
    }
    for (Operation op : ops) {
      double ms = Math.max(0.1, (op.completeTime() - op.invokeTime()) / 1e6);
      double y = TOP + HEIGHT - (Math.log10(ms) - logMin) / (logMax - logMin) * HEIGHT;
      out.append(String.format("<circle cx='%.1f' cy='%.1f' r='1.6' fill='%s' stroke='none'/>%n",
          scale.x(op.invokeTime()), y, COLORS.get(op.outcome())));
    }
    Svg.timeAxis(out, scale, TOP + HEIGHT);
    legend(out);
    return out.append("</svg>\n").toString();
  }

  static String throughput(History history, List<FaultPeriod> faults) {
    Map<OpType, TreeMap<Long, Integer>> perSecond = Map.of(
        OpType.OK, new TreeMap<>(), OpType.FAIL, new TreeMap<>(), OpType.INFO, new TreeMap<>());
    history.ops().stream().filter(o -> !o.isInvoke())
        .forEach(o -> perSecond.get(o.type()).merge(o.time() / 1_000_000_000L, 1, Integer::sum));
    long seconds = Math.max(1, history.endTime() / 1_000_000_000L + 1);
    int max = perSecond.values().stream().flatMap(m -> m.values().stream())
        .mapToInt(Integer::intValue).max().orElse(1);
    Svg.TimeScale scale = new Svg.TimeScale(0, seconds * 1_000_000_000L, LEFT, WIDTH);
    StringBuilder out = header("Completions per second");
    Svg.faults(out, faults, scale, TOP, HEIGHT);
    for (int i = 0; i <= 4; i++) {
      double y = TOP + HEIGHT - i * HEIGHT / 4;
      out.append(String.format("<line x1='%.0f' y1='%.1f' x2='%.0f' y2='%.1f' stroke='#ddd'/>"
              + "<text x='%.0f' y='%.1f' font-size='10' text-anchor='end'>%d</text>%n",
          LEFT, y, LEFT + WIDTH, y, LEFT - 4, y + 3, max * i / 4));
    }
    for (Map.Entry<OpType, TreeMap<Long, Integer>> series : perSecond.entrySet()) {
      StringBuilder points = new StringBuilder();
      for (long s = 0; s < seconds; s++) {
        int count = series.getValue().getOrDefault(s, 0);
        points.append(String.format("%.1f,%.1f ", scale.x(s * 1_000_000_000L + 500_000_000L),
            TOP + HEIGHT - count * HEIGHT / max));
      }
      out.append(String.format("<polyline fill='none' stroke='%s' stroke-width='1.5' "
          + "points='%s'/>%n", COLORS.get(series.getKey()), points));
    }
    Svg.timeAxis(out, scale, TOP + HEIGHT);
    legend(out);
    return out.append("</svg>\n").toString();
  }

  private static StringBuilder header(String title) {
    return new StringBuilder(String.format("<svg xmlns='http://www.w3.org/2000/svg' "
        + "width='%.0f' height='%.0f' font-family='sans-serif'>%n"
        + "<text x='%.0f' y='14' font-size='13'>%s</text>%n",
        LEFT + WIDTH + 20, TOP + HEIGHT + 50, LEFT, Svg.esc(title)));
  }

  private static void legend(StringBuilder out) {
    double x = LEFT;
    for (OpType t : List.of(OpType.OK, OpType.FAIL, OpType.INFO)) {
      out.append(String.format("<rect x='%.0f' y='%.0f' width='10' height='10' fill='%s'/>"
              + "<text x='%.0f' y='%.0f' font-size='11'>%s</text>%n",
          x, TOP + HEIGHT + 28, COLORS.get(t), x + 14, TOP + HEIGHT + 37,
          t.name().toLowerCase()));
      x += 60;
    }
    out.append(String.format("<rect x='%.0f' y='%.0f' width='10' height='10' "
        + "fill='#e4e4e4'/><text x='%.0f' y='%.0f' font-size='11'>fault</text>%n",
        x, TOP + HEIGHT + 28, x + 14, TOP + HEIGHT + 37));
  }

  private static String formatMs(double ms) {
    return ms >= 1000 ? String.format("%.0fs", ms / 1000) : ms >= 1 ? String.format("%.0fms", ms)
        : String.format("%.1fms", ms);
  }
}
