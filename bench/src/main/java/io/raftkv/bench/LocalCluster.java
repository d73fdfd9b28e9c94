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
 * way to run one), RaftKV or etcd, in its own directory; both bench tools use it. Single nodes can
 * be killed, stopped, restarted, paused (SIGSTOP) and resumed; every call has a deadline.
 * {@link #close()} stops every node and removes the directory; a JVM shutdown hook does the same
 * if the benchmark is interrupted.
 */
public final class LocalCluster implements AutoCloseable {
    public enum Kind {
        RAFTKV, ETCD;

        public String label() {
            return name().toLowerCase();
        }
    }

    private static final long UP_TIMEOUT_SECONDS = 600; // includes building the node if missing
    private static final long DOWN_TIMEOUT_SECONDS = 120;
    private static final long NODE_TIMEOUT_SECONDS = 30;
    private static final long SIGNAL_TIMEOUT_SECONDS = 10;

    private final Path repoRoot;
    private final Kind kind;
    private final Path dir;
    private final int nodes;
    private final List<String> endpoints;
    private final List<Long> pids;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalCluster(Path repoRoot, Kind kind, Path dir, int nodes, List<String> endpoints, List<Long> pids,
            Thread shutdownHook) {
        this.repoRoot = repoRoot;
        this.kind = kind;
        this.dir = dir;
        this.nodes = nodes;
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
        List<String> args = new ArrayList<>(List.of("--nodes", Integer.toString(nodes), "--base-port", Integer.toString(basePort)));
        if (kind == Kind.ETCD) {
            args.add("--etcd");
        }
        Thread hook = new Thread(() -> down(repoRoot, dir, nodes, true), "cluster-down-" + dir.getFileName());
        Runtime.getRuntime().addShutdownHook(hook);
        String out;
        try {
            out = script(repoRoot, dir, "up", args, UP_TIMEOUT_SECONDS);
        } catch (BenchException e) {
            String logs = logTails(dir, nodes);
            down(repoRoot, dir, nodes, true);
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
                down(repoRoot, dir, nodes, true);
                Runtime.getRuntime().removeShutdownHook(hook);
                throw new BenchException("no pid for node " + i + " in " + dir + ": " + e.getMessage());
            }
        }
        return new LocalCluster(repoRoot, kind, dir, nodes, endpoints, List.copyOf(pids), hook);
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

    public int nodes() {
        return nodes;
    }

    /**
     * The nodes' process ids as {@link #up} started them, node 1 first (the JVM itself for RaftKV:
     * its launchers exec java); {@link #start} gives a node a new one.
     */
    public List<Long> pids() {
        return pids;
    }

    public Path dir() {
        return dir;
    }

    /** Node {@code node}'s log (1-based). */
    public Path log(int node) {
        return dir.resolve("node" + node + ".log");
    }

    public List<ProcessSample> sample() {
        return pids.stream().map(ProcessSampler::sample).toList();
    }

    /** SIGKILLs node {@code node} (1-based). */
    public void kill(int node) {
        script(repoRoot, dir, "kill", List.of(Integer.toString(node)), NODE_TIMEOUT_SECONDS);
    }

    /** Stops node {@code node} gracefully (SIGTERM, then SIGKILL). */
    public void stop(int node) {
        script(repoRoot, dir, "stop", List.of(Integer.toString(node)), NODE_TIMEOUT_SECONDS);
    }

    /** Starts node {@code node} again on its data and ports. */
    public void start(int node) {
        script(repoRoot, dir, "start", List.of(Integer.toString(node)), NODE_TIMEOUT_SECONDS);
    }

    /** SIGSTOPs node {@code node}: it holds its sockets but answers nothing until {@link #resume}. */
    public void pause(int node) {
        signal(dir, node, "STOP");
    }

    public void resume(int node) {
        signal(dir, node, "CONT");
    }

    @Override
    public void close() {
        down(false);
    }

    /** Stops every node; removes the directory unless {@code keepFiles} (a failed run's logs and data). */
    public synchronized void down(boolean keepFiles) {
        if (closed) {
            return;
        }
        closed = true;
        down(repoRoot, dir, nodes, !keepFiles);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private static void down(Path repoRoot, Path dir, int nodes, boolean clean) {
        // A paused node cannot handle the graceful stop's SIGTERM.
        for (int node = 1; node <= nodes; node++) {
            if (Files.exists(pidFile(dir, node))) {
                try {
                    signal(dir, node, "CONT");
                } catch (BenchException e) {
                    // already gone; down handles that
                }
            }
        }
        try {
            script(repoRoot, dir, "down", clean ? List.of("--clean") : List.of(), DOWN_TIMEOUT_SECONDS);
        } catch (BenchException e) {
            System.err.println("bench: " + e.getMessage());
        }
        if (clean) {
            deleteTree(dir);
        }
    }

    private static Path pidFile(Path dir, int node) {
        return dir.resolve("node" + node + ".pid");
    }

    private static void signal(Path dir, int node, String signal) {
        String pid;
        try {
            pid = Files.readString(pidFile(dir, node)).trim();
        } catch (IOException e) {
            throw new BenchException("no pid for node " + node + " in " + pidFile(dir, node) + ": " + e.getMessage());
        }
        if (!pid.matches("[0-9]+")) {
            throw new BenchException("node " + node + ": '" + pid + "' in " + pidFile(dir, node) + " is not a pid");
        }
        run(List.of("kill", "-" + signal, pid), SIGNAL_TIMEOUT_SECONDS);
    }

    /** {@code scripts/cluster COMMAND --dir DIR ARGS...}; returns its stdout. */
    private static String script(Path repoRoot, Path dir, String command, List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of(repoRoot.resolve("scripts/cluster").toString(), command, "--dir",
                dir.toString()));
        cmd.addAll(args);
        return run(cmd, timeoutSeconds);
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
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().remove("RAFTKV_CLUSTER_DIR");
            // scripts/cluster's 90 s wait for a leader is too short for three JVMs on a busy machine.
            builder.environment().putIfAbsent("RAFTKV_CLUSTER_TIMEOUT", "300");
            Process p = builder.start();
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

    /** Removes {@code dir} and everything under it; a failure is reported on stderr, not thrown. */
    public static void deleteTree(Path dir) {
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
