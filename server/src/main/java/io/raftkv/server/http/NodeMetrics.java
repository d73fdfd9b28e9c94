package io.raftkv.server.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.server.node.RaftKvNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's Prometheus metrics: JVM and process figures, and etcd-style server gauges. */
public final class NodeMetrics {
    private NodeMetrics() {}

    public static PrometheusMeterRegistry register(RaftKvNode node) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // etcdctl check datascale reads this exact name.
        Gauge.builder("process.resident.memory", NodeMetrics::residentBytes).baseUnit("bytes").register(registry);
        Gauge.builder("etcd.server.has.leader", () -> node.leaderId() != 0 ? 1 : 0).register(registry);
        Gauge.builder("etcd.server.is.leader", () -> node.isLeader() ? 1 : 0).register(registry);
        Gauge.builder("etcd.server.proposals.committed", () -> node.raftStatus().commitIndex()).register(registry);
        Gauge.builder("etcd.server.proposals.applied", node::appliedIndex).register(registry);
        Gauge.builder("etcd.debugging.mvcc.current.revision", () -> node.store().state().revision()).register(registry);
        Gauge.builder("etcd.mvcc.db.total.size.in", () -> node.store().dbSize()).baseUnit("bytes").register(registry);
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
