package io.raftkv.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of {@code scripts/bench --compare}: every measurement, printed as one table (a row
 * per load, the systems side by side, and RaftKV's ops/s over etcd's) and written as results.json
 * and latency.svg.
 */
public record CompareReport(String startedAt, Machine machine, int nodes, List<String> systems,
        List<Measurement> measurements) {

    /** Where the figures came from: they mean little without the cores and how busy the machine was. */
    public record Machine(int cpus, String loadAverageAtStart) {
        public static Machine current() {
            String load;
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
                load = f[0] + " " + f[1] + " " + f[2];
            } catch (IOException e) {
                load = "unknown";
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), load);
        }
    }

    public static final String BASELINE = "etcd";
    public static final String CANDIDATE = "raftkv";

    public List<String> loads() {
        Set<String> loads = new LinkedHashSet<>();
        measurements.forEach(m -> loads.add(m.load()));
        return new ArrayList<>(loads);
    }

    public Optional<Measurement> find(String system, String load) {
        return measurements.stream().filter(m -> m.system().equals(system) && m.load().equals(load)).findFirst();
    }

    /** The aligned table: for each system ops/s, p50/p99/p99.9 in ms, CPU s per 1k ops per node, max RSS, errors. */
    public String table() {
        List<String> loads = loads();
        int loadWidth = Math.max(4, loads.stream().mapToInt(String::length).max().orElse(4));
        String cellFmt = "%9s %7s %7s %7s %7s %6s %5s";
        StringBuilder s = new StringBuilder();
        StringBuilder head1 = new StringBuilder(String.format("%-" + loadWidth + "s", ""));
        StringBuilder head2 = new StringBuilder(String.format("%-" + loadWidth + "s", "load"));
        for (String system : systems) {
            String cells = String.format(cellFmt, "ops/s", "p50ms", "p99ms", "p99.9ms", "cpu/1k", "rssMB", "err");
            head1.append(" | ").append(center(system + " (" + nodes + " nodes)", cells.length()));
            head2.append(" | ").append(cells);
        }
        boolean ratio = systems.contains(BASELINE) && systems.contains(CANDIDATE);
        if (ratio) {
            head1.append(" | ").append(String.format("%9s", "ratio"));
            head2.append(" | ").append(String.format("%9s", "ops/s"));
        }
        s.append(String.format("%d CPUs, load average at start %s (1, 5, 15 min)%n", machine.cpus(),
                machine.loadAverageAtStart()));
        s.append(head1).append('\n').append(head2).append('\n');
        s.append("-".repeat(head2.length())).append('\n');
        for (String load : loads) {
            s.append(String.format("%-" + loadWidth + "s", load));
            for (String system : systems) {
                // With no successful operation there is no latency and no cost per operation: "-", not 0.
                s.append(" | ").append(find(system, load).map(m -> m.ops() == 0
                        ? String.format(cellFmt, "0", "-", "-", "-", "-", Long.toString(m.maxRssBytes() / (1024 * 1024)),
                                Long.toString(m.errorCount()))
                        : String.format(cellFmt,
                        String.format("%.0f", m.opsPerSecond()), ms(m.latencyMs().get("p50")), ms(m.latencyMs().get("p99")),
                        ms(m.latencyMs().get("p99.9")), String.format("%.3f", m.cpuSecondsPer1kOpsPerNode()),
                        Long.toString(m.maxRssBytes() / (1024 * 1024)), Long.toString(m.errorCount())))
                        .orElse(String.format(cellFmt, "-", "-", "-", "-", "-", "-", "-")));
            }
            if (ratio) {
                Optional<Measurement> base = find(BASELINE, load);
                Optional<Measurement> cand = find(CANDIDATE, load);
                String r = base.isPresent() && cand.isPresent() && base.get().opsPerSecond() > 0
                        ? String.format("%.2fx", cand.get().opsPerSecond() / base.get().opsPerSecond()) : "-";
                s.append(" | ").append(String.format("%9s", r));
            }
            s.append('\n');
        }
        s.append("ops/s: successful operations per second; pNN: latency percentiles in ms; cpu/1k: CPU seconds per\n")
                .append("1,000 ops per node (all nodes' utime+stime during the load / nodes); rssMB: largest node RSS at the\n")
                .append("end of the load; err: failed requests")
                .append(ratio ? "; ratio: raftkv ops/s / etcd ops/s" : "").append('\n');
        return s.toString();
    }

    private static String ms(Double v) {
        return v == null ? "-" : v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v)
                : String.format("%.2f", v);
    }

    private static String center(String text, int width) {
        int pad = Math.max(0, width - text.length());
        return " ".repeat(pad / 2) + text + " ".repeat(pad - pad / 2);
    }

    /** Writes results.json and latency.svg into {@code dir}. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), this);
            Files.writeString(dir.resolve("latency.svg"), LatencyPlot.svg(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir, e);
        }
    }
}
