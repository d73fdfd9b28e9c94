package io.raftkv.storage.mvcc;

import io.raftkv.storage.WriteDurability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link RestartTest} and {@link LoseUnsyncedOnCrashTest}: applies the
 * workload of a seed from wherever the store stands, printing "applied N" after each batch,
 * until it is killed or done. Arguments: store directory, workload seed, entry count, batch
 * seed, and optionally the store's {@link WriteDurability} and an index after which to take
 * one checkpoint (printed as "checkpoint N").
 */
public final class ApplyCrashChild {
    private ApplyCrashChild() {}

    /**
     * What the parent saw of one child run: the checkpoint it reported (-1: none), the last
     * applied index it reported, and whether it finished before reaching {@code killAt}.
     */
    record Run(long checkpoint, long reported, boolean finished) {}

    /**
     * Starts a child on {@code store} and SIGKILLs it (no close(), no flush) as soon as it reports
     * an applied index of at least {@code killAt}; its stderr is appended to {@code errLog}.
     */
    static Run runAndKill(Path store, long workloadSeed, int entries, long batchSeed, WriteDurability durability,
                          long checkpointAfter, long killAt, Path errLog) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ApplyCrashChild.class.getName(), store.toString(), Long.toString(workloadSeed),
                Integer.toString(entries), Long.toString(batchSeed), durability.name(), Long.toString(checkpointAfter))
                .redirectError(ProcessBuilder.Redirect.appendTo(errLog.toFile()))
                .start();
        long checkpoint = -1;
        long reported = -1;
        boolean finished = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("done")) {
                    finished = true;
                    break;
                }
                if (line.startsWith("checkpoint ")) {
                    checkpoint = Long.parseLong(line.substring("checkpoint ".length()));
                } else if (line.startsWith("applied ")) {
                    reported = Long.parseLong(line.substring("applied ".length()));
                    if (reported >= killAt) {
                        child.destroyForcibly(); // SIGKILL on Linux
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child survived SIGKILL for 60 s");
            }
        }
        return new Run(checkpoint, reported, finished);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        List<CommittedCommand> entries = Workload.entries(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        WriteDurability durability = args.length > 4 ? WriteDurability.valueOf(args[4]) : WriteDurability.PRODUCTION;
        long checkpointAfter = args.length > 5 ? Long.parseLong(args[5]) : Long.MAX_VALUE;
        MvccOptions options = new MvccOptions(MvccOptions.defaults().minLeaseTtlSeconds(), false, durability);
        try (MvccStore store = MvccStore.open(dir, options)) {
            System.out.println("applied " + store.state().appliedIndex());
            System.out.flush();
            boolean[] checkpointed = {false};
            Workload.applyFrom(store, entries, new Random(Long.parseLong(args[3])), 8, index -> {
                System.out.println("applied " + index);
                if (!checkpointed[0] && index >= checkpointAfter) {
                    checkpointed[0] = true;
                    long at = store.checkpoint(dir.resolveSibling(dir.getFileName() + ".checkpoint")).index();
                    System.out.println("checkpoint " + at);
                }
                System.out.flush();
            });
        }
        System.out.println("done");
    }
}
