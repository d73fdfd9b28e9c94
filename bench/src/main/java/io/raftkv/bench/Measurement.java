package io.raftkv.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One load against one system as results.json records it: throughput, latency percentiles in
 * milliseconds, failures, each node's CPU and RSS, and the whole percentile curve (for the plot).
 *
 * @param cpuSecondsPer1kOpsPerNode the CPU all nodes spent during the load, per 1,000 successful
 *                                  operations, divided by the number of nodes
 * @param curve                     [percentile, milliseconds] pairs on a log scale of 1/(1-p)
 */
public record Measurement(
        String system,
        String load,
        Map<String, Object> params,
        long ops,
        long errorCount,
        Map<String, Long> errors,
        double seconds,
        double opsPerSecond,
        Map<String, Double> latencyMs,
        List<NodeUsage> nodes,
        double cpuSecondsPer1kOpsPerNode,
        long maxRssBytes,
        List<double[]> curve) {

    /** One node's cost of one load: CPU seconds spent during it, and resident memory at its end. */
    public record NodeUsage(int node, long pid, double cpuSeconds, double cpuSecondsPer1kOps, long rssBytes) {
    }

    public static Measurement of(String system, LoadResult r, List<ProcessSample> before, List<ProcessSample> after) {
        List<NodeUsage> nodes = new ArrayList<>();
        double cpuTotal = 0;
        long maxRss = 0;
        for (int i = 0; i < after.size(); i++) {
            double cpu = after.get(i).cpuSeconds() - before.get(i).cpuSeconds();
            cpuTotal += cpu;
            maxRss = Math.max(maxRss, after.get(i).rssBytes());
            nodes.add(new NodeUsage(i + 1, after.get(i).pid(), cpu, per1k(cpu, r.ops()), after.get(i).rssBytes()));
        }
        Map<String, Double> latency = new LinkedHashMap<>();
        for (double p : new double[] {50, 90, 99, 99.9}) {
            latency.put("p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)), r.millisAt(p));
        }
        latency.put("max", r.latencyMicros().getTotalCount() == 0 ? 0 : r.latencyMicros().getMaxValue() / 1000.0);
        latency.put("mean", r.latencyMicros().getTotalCount() == 0 ? 0 : r.latencyMicros().getMean() / 1000.0);
        LoadSpec s = r.spec();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("workload", s.workload().command());
        params.put("conns", s.conns());
        params.put("clients", s.clients());
        params.put("durationSeconds", s.duration().toMillis() / 1000.0);
        params.put("total", s.total());
        params.put("keySize", s.keySize());
        params.put("valSize", s.valSize());
        params.put("keySpaceSize", s.keySpaceSize());
        params.put("sequentialKeys", s.sequentialKeys());
        if (s.workload() == Workload.RANGE) {
            params.put("consistency", s.serializable() ? "s" : "l");
        }
        return new Measurement(system, s.name(), params, r.ops(), r.errorCount(), r.errors(), r.elapsedNanos() / 1e9,
                r.opsPerSecond(), latency, nodes, nodes.isEmpty() ? 0 : per1k(cpuTotal, r.ops()) / nodes.size(), maxRss,
                curve(r.latencyMicros()));
    }

    private static double per1k(double cpuSeconds, long ops) {
        return ops == 0 ? 0 : cpuSeconds * 1000.0 / ops;
    }

    /**
     * Points every 0.05 on x = log10(1/(1-p)), up to the percentile that the sample size still
     * resolves (1/(1-p) at most the count) and at most 99.999.
     */
    static List<double[]> curve(Histogram h) {
        List<double[]> points = new ArrayList<>();
        if (h.getTotalCount() == 0) {
            return points;
        }
        double maxX = Math.min(5, Math.log10(h.getTotalCount()));
        for (int step = 0; step * 0.05 <= maxX + 1e-9; step++) {
            double p = 100 * (1 - Math.pow(10, -step * 0.05));
            points.add(new double[] {p, h.getValueAtPercentile(p) / 1000.0});
        }
        return points;
    }
}
