package io.raftkv.storage.log;

import io.raftkv.storage.log.CrashWorkload.Model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kills a writer (a child JVM running {@link LogCrashWriter}) with SIGKILL at random moments, over
 * and over on the same directory, and after each kill checks that the store holds exactly the
 * operations whose call returned, plus possibly the one that was in flight, applied whole or not
 * at all: so the log is a prefix of what was written, every acknowledged entry survives, and
 * truncations, compactions, snapshot installs and hard states are atomic.
 *
 * <p>A SIGKILL loses the process, not the page cache: this tests atomicity and ordering of the
 * store's writes, and recovery; power-loss durability rests on the synced writes it does.
 */
class LogCrashTest {
    private static final int ROUNDS = 20;
    private static final int MIN_ROUNDS = 8;
    private static final Duration BUDGET = Duration.ofSeconds(150);
    private static final Duration CHILD_PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path tempDir;

    @Test
    void aWriterKilledAtRandomMomentsLosesNothingItWasToldWasDurable() throws Exception {
        Path dir = tempDir.resolve("log");
        Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
        long seed = random.nextLong();
        random = new Random(seed);
        Model expected = new Model();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int rounds = 0;
        int inFlightApplied = 0;
        int inFlightLost = 0;
        long acknowledged = 0;
        for (; rounds < ROUNDS && (rounds < MIN_ROUNDS || System.nanoTime() < deadline); rounds++) {
            String context = "round " + rounds + " (crash.seed " + seed + ")";
            Run run = runAndKill(dir, random.nextLong(), 1 + random.nextInt(120), random, context);
            acknowledged += run.done.size();

            Model acked = expected;
            for (String op : run.done) {
                acked = acked.after(op);
            }
            Optional<Model> inFlight = run.pending.map(acked::after);
            try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
                Optional<String> vsAcked = acked.difference(log);
                if (vsAcked.isEmpty()) {
                    inFlightLost += run.pending.isPresent() ? 1 : 0;
                } else if (inFlight.isPresent() && inFlight.get().difference(log).isEmpty()) {
                    inFlightApplied++;
                } else {
                    fail(context + ": after the kill the store matches neither the acknowledged operations ("
                            + vsAcked.get() + ") nor those plus the one in flight "
                            + run.pending.map(op -> "(" + op + ": " + inFlight.get().difference(log).orElseThrow() + ")").orElse("(none)")
                            + "\nlast operations: " + run.done.subList(Math.max(0, run.done.size() - 5), run.done.size())
                            + "\nchild stderr:\n" + run.stderr);
                }
                expected = Model.of(log);
            }
        }
        System.out.printf("crash test: %d rounds, %d acknowledged operations, in-flight operation found applied %d times, absent %d times (seed %d)%n",
                rounds, acknowledged, inFlightApplied, inFlightLost, seed);
        assertThat(rounds).isGreaterThanOrEqualTo(MIN_ROUNDS);
        assertThat(acknowledged).as("the children made progress").isGreaterThanOrEqualTo(rounds);
    }

    /** What one child printed: the operations it finished, and the one it had begun when killed. */
    private record Run(List<String> done, Optional<String> pending, String stderr) {}

    private Run runAndKill(Path dir, long childSeed, int killAfter, Random random, String context) throws Exception {
        Path stderrFile = tempDir.resolve("child-stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", testClassPath(),
                LogCrashWriter.class.getName(), dir.toString(), Long.toString(childSeed))
                .redirectError(stderrFile.toFile());
        Process child = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readCompleteLines(child.getInputStream(), lines), "crash-child-stdout");
        reader.setDaemon(true);
        reader.start();

        List<String> done = new ArrayList<>();
        String begun = null;
        try {
            long patience = System.nanoTime() + CHILD_PATIENCE.toNanos();
            while (done.size() < killAfter) {
                String line = lines.poll(Math.max(1, patience - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(EOF)) {
                    fail(context + ": the writer " + (line == null ? "made no progress" : "exited with " + child.waitFor())
                            + " after " + done.size() + " operations; stderr:\n" + Files.readString(stderrFile));
                }
                begun = track(line, begun, done);
            }
            // Let it run into its next operation for a random moment: the kill lands anywhere in it.
            LockSupport.parkNanos(random.nextInt(3_000_000));
        } finally {
            child.destroyForcibly(); // SIGKILL
            child.getOutputStream().close();
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(context + ": the writer died").isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(60));
        for (String line = lines.poll(); line != null && !line.equals(EOF); line = lines.poll()) {
            begun = track(line, begun, done);
        }
        return new Run(done, Optional.ofNullable(begun), Files.readString(stderrFile));
    }

    private static final String EOF = "\u0000EOF";

    /** Applies one line of the child's protocol; returns the operation now in flight, if any. */
    private static String track(String line, String begun, List<String> done) {
        if (line.startsWith("BEGIN ")) {
            return line.substring("BEGIN ".length());
        }
        if (line.equals("DONE")) {
            done.add(begun);
            return null;
        }
        return begun; // OPEN
    }

    /** Queues each newline-terminated line; a partial last line (cut by the kill) is dropped. */
    private static void readCompleteLines(InputStream in, BlockingQueue<String> lines) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (in) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    lines.add(line.toString(StandardCharsets.US_ASCII));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        } catch (IOException ignored) {
            // the child is gone; what was read is all there is
        }
        lines.add(EOF);
    }

    /** Surefire runs tests from a manifest-only jar; it names the real class path separately. */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
