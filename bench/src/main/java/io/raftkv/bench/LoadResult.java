package io.raftkv.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one load did: successful operations, failures by gRPC status, and the latency of every
 * successful operation in microseconds.
 */
public record LoadResult(LoadSpec spec, long ops, Map<String, Long> errors, long elapsedNanos, Histogram latencyMicros) {

    public double opsPerSecond() {
        return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Latency at a percentile in milliseconds. */
    public double millisAt(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** One summary line, in the spirit of etcd benchmark's. */
    public String summary() {
        String latency = latencyMicros.getTotalCount() == 0 ? "no latency (no request succeeded)"
                : String.format("latency ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f", millisAt(50), millisAt(90),
                        millisAt(99), millisAt(99.9), latencyMicros.getMaxValue() / 1000.0);
        StringBuilder s = new StringBuilder(String.format("%s: %d ops in %.2f s, %.1f ops/s; %s; errors %d",
                spec.name(), ops, elapsedNanos / 1e9, opsPerSecond(), latency, errorCount()));
        errors.forEach((k, v) -> s.append(String.format("%n  %d x %s", v, k)));
        return s.toString();
    }
}
