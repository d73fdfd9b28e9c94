package io.raftkv.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fresh local cluster started and stopped through {@code scripts/cluster} (the project's one
 * way to run one), RaftKV or etcd, in its own directory. {@link #close()} stops every node and
 * removes the directory; a JVM shutdown hook does the same if the benchmark is interrupted.
 */
public final class LocalCluster implements AutoCloseable {
    public enum Kind {
        RAFTKV, ETCD;

        public String label() {
            return name().toLowerCase();
        }
    }

    private static final long UP_TIMEOUT_SECONDS = 300; // includes building the node if missing
    private static final long DOWN_TIMEOUT_SECONDS = 60;

    private final Path repoRoot;
    private final Kind kind;
    private final Path dir;
    private final List<String> endpoints;
    private final List<Long> pids;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalCluster(Path repoRoot, Kind kind, Path dir, List<String> endpoints, List<Long> pids,
            Thread shutdownHook) {
        this.repoRoot = repoRoot;
        this.kind = kind;
        this.dir = dir;
        this.endpoints = endpoints;
        this.pids = pids;
        this.shutdownHook = shutdownHook;
    }

    /** Runs {@code scripts/cluster up} in {@code dir} (created if missing) and waits for a leader. */
    public static LocalCluster up(Path repoRoot, Kind kind, int nodes, int basePort, Path dir) {
        Path script = repoRoot.resolve("scripts/cluster");
        if (!Files.isExecutable(script)) {
            throw new BenchException("cannot find " + script + " (set -Draftkv.repoRoot to the repository root)");
        }
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "up", "--nodes", Integer.toString(nodes),
                "--base-port", Integer.toString(basePort), "--dir", dir.toString()));
        if (kind == Kind.ETCD) {
            cmd.add("--etcd");
        }
        Thread hook = new Thread(() -> down(repoRoot, dir), "cluster-down-" + dir.getFileName());
        Runtime.getRuntime().addShutdownHook(hook);
        String out;
        try {
            out = run(cmd, UP_TIMEOUT_SECONDS);
        } catch (BenchException e) {
            String logs = logTails(dir, nodes);
            down(repoRoot, dir);
            Runtime.getRuntime().removeShutdownHook(hook);
            throw new BenchException(kind.label() + " cluster did not start: " + e.getMessage() + logs);
        }
        List<String> endpoints = out.lines().filter(l -> l.startsWith("endpoints: "))
                .map(l -> l.substring("endpoints: ".length()).trim()).findFirst()
                .map(s -> List.of(s.split(",")))
                .orElseThrow(() -> new BenchException("scripts/cluster up printed no endpoints: " + out));
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            try {
                pids.add(Long.parseLong(Files.readString(dir.resolve("node" + i + ".pid")).trim()));
            } catch (IOException | NumberFormatException e) {
                down(repoRoot, dir);
                Runtime.getRuntime().removeShutdownHook(hook);
                throw new BenchException("no pid for node " + i + " in " + dir + ": " + e.getMessage());
            }
        }
        return new LocalCluster(repoRoot, kind, dir, endpoints, List.copyOf(pids), hook);
    }

    /**
     * A base port P in [from, to) such that every node's client, peer and HTTP port (P+10*i, +1, +2)
     * is free on loopback right now.
     */
    public static int freeBasePort(int from, int to, int nodes) {
        int span = 10 * (nodes - 1) + 3;
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = from + ThreadLocalRandom.current().nextInt((to - from - span) / 10) * 10;
            if (portsFree(base, nodes)) {
                return base;
            }
        }
        throw new BenchException("no free base port for " + nodes + " nodes in " + from + ".." + to);
    }

    private static boolean portsFree(int base, int nodes) {
        for (int i = 0; i < nodes; i++) {
            for (int off = 0; off < 3; off++) {
                try (ServerSocket s = new ServerSocket(base + 10 * i + off, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }

    public Kind kind() {
        return kind;
    }

    public List<String> endpoints() {
        return endpoints;
    }

    /** The nodes' process ids, node 1 first (the JVM itself for RaftKV: its launchers exec java). */
    public List<Long> pids() {
        return pids;
    }

    public Path dir() {
        return dir;
    }

    public List<ProcessSample> sample() {
        return pids.stream().map(ProcessSampler::sample).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        down(repoRoot, dir);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private static void down(Path repoRoot, Path dir) {
        try {
            run(List.of(repoRoot.resolve("scripts/cluster").toString(), "down", "--clean", "--dir", dir.toString()),
                    DOWN_TIMEOUT_SECONDS);
        } catch (BenchException e) {
            System.err.println("bench: " + e.getMessage());
        }
        deleteTree(dir);
    }

    private static String logTails(Path dir, int nodes) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= nodes; i++) {
            Path log = dir.resolve("node" + i + ".log");
            try {
                List<String> lines = Files.readAllLines(log);
                s.append("\n--- ").append(log).append(" (last lines) ---\n");
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> s.append(l).append('\n'));
            } catch (IOException e) {
                // no log: the node never started
            }
        }
        return s.toString();
    }

    /** Runs a command to completion with a deadline; returns stdout, or throws with its stderr. */
    private static String run(List<String> cmd, long timeoutSeconds) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("bench-cmd", ".out");
            err = Files.createTempFile("bench-cmd", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BenchException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s");
            }
            String stdout = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new BenchException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": "
                        + Files.readString(err).trim());
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running " + String.join(" ", cmd));
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(LocalCluster::deleteQuietly);
        } catch (IOException e) {
            System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
