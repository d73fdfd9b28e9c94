package io.raftkv.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.storage.WriteDurability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it applies batches, several times, then replays the
 * rest of the log from the persisted applied index: the state and hashes must equal those
 * of a run that was never interrupted, and no batch the child reported as applied is lost.
 */
class RestartTest {
    private static final long WORKLOAD_SEED = 20261123L;
    private static final int ENTRIES = 1500;

    @TempDir
    Path dir;

    @Test
    void killedApplyReplaysToTheSameStateAndHash() throws Exception {
        List<CommittedCommand> entries = Workload.entries(WORKLOAD_SEED, ENTRIES);
        Path reference = dir.resolve("reference");
        Path crashed = dir.resolve("crashed");
        Random random = new Random(7);
        int kills = 0;
        for (int round = 0; round < 3; round++) {
            long target = 1 + random.nextInt(ENTRIES - 1);
            long reported = runChildUntil(crashed, target, round);
            if (reported < 0) {
                break; // the child finished before the kill: nothing more to interrupt
            }
            kills++;
            try (MvccStore store = MvccStore.open(crashed, MvccOptions.defaults())) {
                assertThat(store.state().appliedIndex()).as("applied batches survive SIGKILL")
                        .isGreaterThanOrEqualTo(reported);
            }
        }
        assertThat(kills).as("at least one kill landed mid-run").isPositive();

        try (MvccStore uninterrupted = MvccStore.open(reference, MvccOptions.defaults());
             MvccStore replayed = MvccStore.open(crashed, MvccOptions.defaults())) {
            Workload.applyFrom(uninterrupted, entries, new Random(1), 16, index -> { });
            Workload.applyFrom(replayed, entries, new Random(2), 5, index -> { });
            assertThat(replayed.state()).isEqualTo(uninterrupted.state());
            assertThat(replayed.hashKV(0)).isEqualTo(uninterrupted.hashKV(0));
            assertThat(replayed.hash()).isEqualTo(uninterrupted.hash());
            long compacted = Math.max(1, uninterrupted.state().compactRevision());
            assertThat(replayed.hashKV(compacted)).isEqualTo(uninterrupted.hashKV(compacted));
            assertThat(replayed.leases()).isEqualTo(uninterrupted.leases());
        }
    }

    /** Starts the child, kills it once it reports index >= target; returns the last reported index, or -1 if done. */
    private long runChildUntil(Path store, long target, int round) throws IOException, InterruptedException {
        ApplyCrashChild.Run run = ApplyCrashChild.runAndKill(store, WORKLOAD_SEED, ENTRIES, 100 + round,
                WriteDurability.PRODUCTION, Long.MAX_VALUE, target, store.getParent().resolve("child.err"));
        return run.finished() ? -1 : run.reported();
    }
}
