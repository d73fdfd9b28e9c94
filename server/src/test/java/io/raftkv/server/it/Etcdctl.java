package io.raftkv.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs Debian's etcdctl 3.4 (the real etcd client, not ours) against the cluster. */
final class Etcdctl {
    record Result(int exitCode, String out, String err) {
        Result assertOk() {
            if (exitCode != 0) {
                throw new AssertionError("etcdctl failed (" + exitCode + "): " + err + out);
            }
            return this;
        }
    }

    private final String endpoints;

    Etcdctl(String endpoints) {
        this.endpoints = endpoints;
    }

    static boolean installed() {
        try {
            Process p = new ProcessBuilder("etcdctl", "version").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Runs a command that does not end by itself (watch) until its output has
     * {@code expectedLines} lines or {@code timeout} passes, then stops it.
     */
    String runUntil(int expectedLines, java.time.Duration timeout, Runnable whileRunning, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("etcdctl", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        try {
            whileRunning.run();
            try {
                org.awaitility.Awaitility.await().atMost(timeout).pollInterval(java.time.Duration.ofMillis(50))
                        .until(() -> Files.readAllLines(out).size() >= expectedLines);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // fewer lines than expected: the caller's assertions on the output say which are missing
            }
            return Files.readString(out);
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints,
                "--dial-timeout=5s", "--command-timeout=20s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("ETCDCTL_API", "3");
        // Output goes to files: a chatty command (check perf) must not block on a full pipe.
        Path out = Files.createTempFile("etcdctl", ".out");
        Path err = Files.createTempFile("etcdctl", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(150, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish in 150 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
