package io.raftkv.bench.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local cluster driven only through {@code scripts/cluster} (the one way to start one), in its
 * own directory and ports; pauses and resumes a member with SIGSTOP/SIGCONT on the pid that the
 * script recorded. Every command has a deadline.
 */
final class ClusterScript {
    static final int NODES = 3;

    enum Kind {
        ETCD("etcd 3.4"), RAFTKV("RaftKV");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Path repoRoot;
    private final Path dir;
    private final int basePort;
    private final Kind kind;

    ClusterScript(Path repoRoot, Path dir, int basePort, Kind kind) {
        this.repoRoot = repoRoot;
        this.dir = dir;
        this.basePort = basePort;
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    Path dir() {
        return dir;
    }

    /** Client port of node {@code node} (1-based), as scripts/cluster assigns it. */
    int clientPort(int node) {
        return basePort + 10 * (node - 1);
    }

    List<Integer> clientPorts() {
        List<Integer> ports = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            ports.add(clientPort(node));
        }
        return ports;
    }

    void up() {
        List<String> args = new ArrayList<>(List.of("up", "--nodes", Integer.toString(NODES), "--base-port", Integer.toString(basePort)));
        if (kind == Kind.ETCD) {
            args.add("--etcd");
        }
        // scripts/cluster waits for a leader by itself (and may first build the node).
        run(Duration.ofMinutes(10), args);
    }

    void kill(int node) {
        run(Duration.ofSeconds(30), List.of("kill", Integer.toString(node)));
    }

    void start(int node) {
        run(Duration.ofSeconds(30), List.of("start", Integer.toString(node)));
    }

    void pause(int node) {
        signal(node, "STOP");
    }

    void resume(int node) {
        signal(node, "CONT");
    }

    /** Stops every node (after resuming any paused one, which could not handle SIGTERM) and removes the data. */
    void down(boolean clean) {
        for (int node = 1; node <= NODES; node++) {
            if (pidFile(node).toFile().exists()) {
                try {
                    resume(node);
                } catch (RuntimeException e) {
                    // Already gone; down handles that.
                }
            }
        }
        run(Duration.ofMinutes(2), clean ? List.of("down", "--clean") : List.of("down"));
    }

    Path log(int node) {
        return dir.resolve("node" + node + ".log");
    }

    private Path pidFile(int node) {
        return dir.resolve("node" + node + ".pid");
    }

    private void signal(int node, String signal) {
        String pid;
        try {
            pid = Files.readString(pidFile(node), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new ClusterException("no pid for node " + node + " in " + pidFile(node) + ": " + e.getMessage());
        }
        if (!pid.matches("[0-9]+")) {
            throw new ClusterException("node " + node + ": '" + pid + "' in " + pidFile(node) + " is not a pid");
        }
        exec(Duration.ofSeconds(10), List.of("kill", "-" + signal, pid), "kill -" + signal + " node " + node);
    }

    private void run(Duration deadline, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(repoRoot.resolve("scripts/cluster").toString());
        command.add(args.get(0));
        command.add("--dir");
        command.add(dir.toString());
        command.addAll(args.subList(1, args.size()));
        exec(deadline, command, "scripts/cluster " + String.join(" ", args));
    }

    private void exec(Duration deadline, List<String> command, String what) {
        Path output = dir.resolve("commands.log");
        try {
            Files.createDirectories(dir);
            Files.writeString(output, Instant.now() + " $ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            builder.environment().remove("RAFTKV_CLUSTER_DIR");
            // scripts/cluster's 90 s wait for a leader is too short for three JVMs on a busy machine.
            builder.environment().putIfAbsent("RAFTKV_CLUSTER_TIMEOUT", "300");
            Process process = builder.start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ClusterException(what + " did not finish within " + deadline.toSeconds() + " s; see " + output);
            }
            if (process.exitValue() != 0) {
                throw new ClusterException(what + " failed (exit " + process.exitValue() + "): " + lastLines(output));
            }
        } catch (IOException e) {
            throw new ClusterException(what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(what + " interrupted");
        }
    }

    private static String lastLines(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "see " + file;
        }
    }

    /** The cluster could not be driven as asked (a script failed or timed out): not a measurement. */
    static final class ClusterException extends RuntimeException {
        ClusterException(String message) {
            super(message);
        }
    }
}
