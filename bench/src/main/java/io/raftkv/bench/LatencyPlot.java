package io.raftkv.bench;

import java.util.List;
import java.util.Locale;

/**
 * latency.svg: one panel per load, each with the latency percentile curve of every system.
 * x: percentile on a log scale of 1/(1-p) (so 90, 99, 99.9 are evenly spaced); y: latency in ms
 * on a log scale (decades).
 */
public final class LatencyPlot {
    private static final int PANEL_W = 440;
    private static final int PANEL_H = 250;
    private static final int COLUMNS = 2;
    private static final int LEFT = 60;
    private static final int RIGHT = 15;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    private static final double[] X_TICKS = {0, 50, 90, 99, 99.9, 99.99, 99.999};

    private LatencyPlot() {
    }

    public static String svg(CompareReport report) {
        List<String> loads = report.loads();
        int rows = Math.max(1, (loads.size() + COLUMNS - 1) / COLUMNS);
        int width = COLUMNS * PANEL_W;
        int height = rows * PANEL_H + 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        // Legend: one colour per system, the same in every panel.
        for (int i = 0; i < report.systems().size(); i++) {
            int x = 10 + i * 120;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"15\" x2=\"%d\" y2=\"15\" stroke=\"%s\" stroke-width=\"2\"/>"
                    + "<text x=\"%d\" y=\"19\">%s</text>%n", x, x + 20, color(i), x + 25, escape(report.systems().get(i))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"19\">latency (ms, log) by percentile, %s</text>%n",
                10 + report.systems().size() * 120, escape(report.startedAt())));
        for (int i = 0; i < loads.size(); i++) {
            panel(s, report, loads.get(i), (i % COLUMNS) * PANEL_W, 30 + (i / COLUMNS) * PANEL_H);
        }
        return s.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder s, CompareReport report, String load, int ox, int oy) {
        double maxX = 1;
        double minMs = Double.MAX_VALUE;
        double maxMs = 0;
        for (String system : report.systems()) {
            for (double[] p : report.find(system, load).map(Measurement::curve).orElse(List.of())) {
                maxX = Math.max(maxX, x(p[0]));
                minMs = Math.min(minMs, Math.max(p[1], 0.001));
                maxMs = Math.max(maxMs, Math.max(p[1], 0.001));
            }
        }
        if (maxMs == 0) {
            minMs = 0.1;
            maxMs = 1;
        }
        double lo = Math.floor(Math.log10(minMs));
        double hi = Math.max(lo + 1, Math.ceil(Math.log10(maxMs)));
        double xMax = Math.ceil(maxX);
        int pw = PANEL_W - LEFT - RIGHT;
        int ph = PANEL_H - TOP - BOTTOM;
        int px = ox + LEFT;
        int py = oy + TOP;
        s.append(String.format(Locale.ROOT, "<g>%n<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
                px, oy + 18, escape(load)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                px, py, pw, ph));
        for (double d = lo; d <= hi + 1e-9; d++) {
            double y = py + ph - (d - lo) / (hi - lo) * ph;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    px, y, px + pw, y, px - 4, y + 4, decade(d)));
        }
        for (double p : X_TICKS) {
            double xv = x(p);
            if (xv > xMax + 1e-9) {
                continue;
            }
            double x = px + xv / xMax * pw;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s%%</text>%n",
                    x, py, x, py + ph, x, py + ph + 14, tickLabel(p)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                px + pw / 2, py + ph + 30));
        for (int i = 0; i < report.systems().size(); i++) {
            List<double[]> curve = report.find(report.systems().get(i), load).map(Measurement::curve).orElse(List.of());
            if (curve.isEmpty()) {
                continue;
            }
            StringBuilder points = new StringBuilder();
            for (double[] p : curve) {
                double x = px + x(p[0]) / xMax * pw;
                double y = py + ph - (Math.log10(Math.max(p[1], 0.001)) - lo) / (hi - lo) * ph;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                    color(i), points.toString().trim()));
        }
        s.append("</g>\n");
    }

    /** Position of a percentile on the log scale: 0 at p0, 1 at p90, 2 at p99, 3 at p99.9. */
    static double x(double percentile) {
        return Math.log10(1 / (1 - Math.min(percentile, 99.9999) / 100));
    }

    private static String tickLabel(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : String.valueOf(p);
    }

    private static String decade(double d) {
        double v = Math.pow(10, d);
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%." + (int) -d + "f", v);
    }

    private static String color(int i) {
        return COLORS[i % COLORS.length];
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
