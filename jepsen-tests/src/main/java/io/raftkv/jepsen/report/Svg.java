package io.raftkv.jepsen.report;

import io.raftkv.jepsen.nemesis.FaultPeriod;
import java.util.List;

/** Small helpers for hand-written SVG: escaping, shaded fault periods, a time axis. */
final class Svg {
  private Svg() {}

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Maps history time (ns) to x pixels. */
  record TimeScale(long start, long end, double left, double width) {
    double x(long t) {
      long clamped = Math.max(start, Math.min(end, t));
      return left + (end == start ? 0 : (clamped - start) * width / (double) (end - start));
    }
  }

  /** Grey bands for fault periods, labelled; drawn first, so opaque colours suffice. */
  static void faults(StringBuilder out, List<FaultPeriod> faults, TimeScale scale, double top,
      double height) {
    for (FaultPeriod f : faults) {
      double x = scale.x(f.start());
      double w = Math.max(1, scale.x(f.end()) - x);
      out.append(String.format("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' "
              + "fill='#e4e4e4'><title>%s: %s</title></rect>%n",
          x, top, w, height, esc(f.nemesis()), esc(f.description())));
      out.append(String.format("<text x='%.1f' y='%.1f' font-size='10' fill='#555'>%s</text>%n",
          x + 2, top + 10, esc(f.nemesis())));
    }
  }

  /** A time axis with a tick every few seconds. */
  static void timeAxis(StringBuilder out, TimeScale scale, double y) {
    double seconds = (scale.end() - scale.start()) / 1e9;
    double step = seconds <= 20 ? 1 : seconds <= 120 ? 10 : 30;
    out.append(String.format("<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#000'/>%n",
        scale.left(), y, scale.left() + scale.width(), y));
    for (double s = Math.ceil(scale.start() / 1e9 / step) * step; s <= scale.end() / 1e9;
        s += step) {
      double x = scale.x((long) (s * 1e9));
      out.append(String.format("<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#000'/>"
          + "<text x='%.1f' y='%.1f' font-size='10' text-anchor='middle'>%.0fs</text>%n",
          x, y, x, y + 4, x, y + 15, s));
    }
  }
}
