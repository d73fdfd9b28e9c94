package io.raftkv.server.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's Prometheus registry, served on {@code /metrics}: JVM and process figures here; etcd's
 * server and gRPC metrics are registered into it by {@link io.raftkv.server.metrics.ServerMetrics}
 * and {@link io.raftkv.server.metrics.GrpcServerMetrics}.
 */
public final class NodeMetrics {
    private NodeMetrics() {}

    public static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // etcdctl check datascale reads this exact name.
        Gauge.builder("process.resident.memory", NodeMetrics::residentBytes).baseUnit("bytes")
                .description("Resident memory size in bytes.").register(registry);
        return registry;
    }

    /** VmRSS from /proc (Linux); 0 where that is not available. */
    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
