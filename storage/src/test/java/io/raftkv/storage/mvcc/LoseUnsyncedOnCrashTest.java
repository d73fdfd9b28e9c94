package io.raftkv.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.storage.WriteDurability;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test-only {@link WriteDurability#LOSE_UNSYNCED_ON_CRASH} really simulates a power loss
 * after the last fsync: a child JVM applies batches, takes one checkpoint (which flushes), applies
 * more and is SIGKILLed. Reopened, the store stands exactly at the checkpoint, every column family
 * consistent with it (its hashes equal those of a store that applied only that far), and
 * replaying the log from there reaches the uninterrupted state. The fault-injection harness relies
 * on this to run nodes whose kill -9 loses un-fsynced data.
 */
class LoseUnsyncedOnCrashTest {
    private static final long WORKLOAD_SEED = 20261124L;
    private static final int ENTRIES = 1200;
    private static final MvccOptions LOSSY = new MvccOptions(2, false, WriteDurability.LOSE_UNSYNCED_ON_CRASH);

    @TempDir
    Path dir;

    @Test
    void aKillLosesEverythingSinceTheLastFlushAndNothingBefore() throws Exception {
        List<CommittedCommand> entries = Workload.entries(WORKLOAD_SEED, ENTRIES);
        Path crashed = dir.resolve("crashed");
        long[] checkpointAndReported = runChildAndKill(crashed, 300, 900);
        long checkpoint = checkpointAndReported[0];
        long reported = checkpointAndReported[1];
        assertThat(checkpoint).as("the child checkpointed").isBetween(300L, 320L);
        assertThat(reported).as("the child applied well past the checkpoint").isGreaterThanOrEqualTo(900);

        try (MvccStore reopened = MvccStore.open(crashed, LOSSY);
             MvccStore reference = MvccStore.open(dir.resolve("reference"), MvccOptions.defaults())) {
            assertThat(reopened.state().appliedIndex()).as("batches applied after the flush are lost")
                    .isEqualTo(checkpoint);
            Workload.applyFrom(reference, entries.subList(0, (int) checkpoint), new Random(3), 16, index -> { });
            assertThat(reopened.state()).isEqualTo(reference.state());
            assertThat(reopened.hashKV(0)).as("every family stands at the same index").isEqualTo(reference.hashKV(0));
            assertThat(reopened.leases()).isEqualTo(reference.leases());

            Workload.applyFrom(reopened, entries, new Random(4), 5, index -> { });
            Workload.applyFrom(reference, entries, new Random(5), 16, index -> { });
            assertThat(reopened.state()).isEqualTo(reference.state());
            assertThat(reopened.hash()).isEqualTo(reference.hash());
        }
    }

    @Test
    void inProductionModeAKillLosesNothingTheStoreApplied() throws Exception {
        Path crashed = dir.resolve("production");
        long reported = runChild(crashed, WriteDurability.PRODUCTION, Long.MAX_VALUE, 600)[1];
        try (MvccStore reopened = MvccStore.open(crashed, MvccOptions.defaults())) {
            assertThat(reopened.state().appliedIndex()).isGreaterThanOrEqualTo(reported);
        }
    }

    private long[] runChildAndKill(Path store, long checkpointAfter, long killAt) throws Exception {
        return runChild(store, WriteDurability.LOSE_UNSYNCED_ON_CRASH, checkpointAfter, killAt);
    }

    /** Returns {checkpoint index (or -1), last reported applied index} once killed at {@code killAt}. */
    private long[] runChild(Path store, WriteDurability durability, long checkpointAfter, long killAt)
            throws Exception {
        ApplyCrashChild.Run run = ApplyCrashChild.runAndKill(store, WORKLOAD_SEED, ENTRIES, 11, durability,
                checkpointAfter, killAt, dir.resolve("child.err"));
        assertThat(run.reported()).as("the child was killed before it finished").isGreaterThanOrEqualTo(killAt);
        return new long[] {run.checkpoint(), run.reported()};
    }
}
