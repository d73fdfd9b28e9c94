package io.raftkv.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code scripts/bench --compare}: for each system in turn, a fresh local cluster through
 * scripts/cluster, the same loads in the same order (the cold put first, while the JVM is cold),
 * CPU and RSS of every node from /proc around each load, then the cluster is removed.
 */
public final class CompareRun {
    /** 256 B values over 10,000 keys of 8 bytes, for every load of the comparison. */
    static final int KEY_SIZE = 8;
    static final int VAL_SIZE = 256;
    static final int KEY_SPACE = 10_000;
    static final Duration COLD_DURATION = Duration.ofSeconds(20);
    static final Duration WARM_DURATION = Duration.ofSeconds(25);
    static final Duration SERVING_TIMEOUT = Duration.ofSeconds(60);

    /** The loads by the id that --loads takes, in the order they run. */
    public static Map<String, LoadSpec> standardLoads(Optional<Duration> override) {
        Map<String, LoadSpec> loads = new LinkedHashMap<>();
        Duration cold = override.orElse(COLD_DURATION);
        Duration warm = override.orElse(WARM_DURATION);
        loads.put("cold-put", spec("put, cold: first " + cold.toSeconds() + " s", Workload.PUT, 16, 256, cold));
        loads.put("put", spec("put 256c/16conn", Workload.PUT, 16, 256, warm));
        loads.put("range-l", spec("range l 256c/16conn", Workload.RANGE, 16, 256, warm));
        loads.put("range-s", spec("range s 256c/16conn", Workload.RANGE, 16, 256, warm).withSerializable(true));
        loads.put("put-1c", spec("put 1c/1conn", Workload.PUT, 1, 1, warm));
        loads.put("put-16c", spec("put 16c/4conn", Workload.PUT, 4, 16, warm));
        return loads;
    }

    private static LoadSpec spec(String name, Workload w, int conns, int clients, Duration d) {
        return LoadSpec.of(name, w, conns, clients, d).withSizes(KEY_SIZE, VAL_SIZE, KEY_SPACE);
    }

    private final Path repoRoot;
    private final List<LocalCluster.Kind> systems;
    private final int nodes;
    private final int basePort;
    private final List<LoadSpec> loads;
    private final long requestTimeoutMs;
    private final PrintStream progress;

    public CompareRun(Path repoRoot, List<LocalCluster.Kind> systems, int nodes, int basePort, List<LoadSpec> loads,
            long requestTimeoutMs, PrintStream progress) {
        this.repoRoot = repoRoot;
        this.systems = systems;
        this.nodes = nodes;
        this.basePort = basePort;
        this.loads = loads;
        this.requestTimeoutMs = requestTimeoutMs;
        this.progress = progress;
    }

    public CompareReport run() {
        String startedAt = Instant.now().toString();
        CompareReport.Machine machine = CompareReport.Machine.current();
        List<Measurement> measurements = new ArrayList<>();
        for (LocalCluster.Kind kind : systems) {
            Path dir;
            try {
                dir = Files.createTempDirectory("bench-" + kind.label() + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            progress.printf("%s: starting a fresh %d-node cluster in %s (scripts/cluster up)%n", kind.label(), nodes, dir);
            try (LocalCluster cluster = LocalCluster.up(repoRoot, kind, nodes, basePort, dir)) {
                progress.printf("%s: endpoints %s, pids %s%n", kind.label(), String.join(",", cluster.endpoints()),
                        cluster.pids());
                EtcdEndpoints.awaitServing(cluster.endpoints(), SERVING_TIMEOUT);
                for (LoadSpec load : loads) {
                    List<ProcessSample> before = cluster.sample();
                    LoadResult result = run(load, cluster.endpoints(), requestTimeoutMs);
                    List<ProcessSample> after = cluster.sample();
                    Measurement m = Measurement.of(kind.label(), result, before, after);
                    measurements.add(m);
                    progress.printf("%s: %s%n  cpu s/1k ops per node %.3f, max rss %d MB%n", kind.label(), result.summary(),
                            m.cpuSecondsPer1kOpsPerNode(), m.maxRssBytes() / (1024 * 1024));
                }
            }
        }
        return new CompareReport(startedAt, machine, nodes, systems.stream().map(LocalCluster.Kind::label).toList(), measurements);
    }

    /** Runs one load of any kind; the single entry point of the CLI's subcommands and of --compare. */
    public static LoadResult run(LoadSpec spec, List<String> endpoints, long requestTimeoutMs) {
        return spec.workload() == Workload.WATCH_LATENCY
                ? new WatchLatencyLoad(spec, endpoints, requestTimeoutMs).run()
                : new LoadGenerator(spec, endpoints, requestTimeoutMs).run();
    }
}
