package io.raftkv.storage.mvcc;

import io.raftkv.storage.WriteDurability;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link RestartTest} and {@link LoseUnsyncedOnCrashTest}: applies the
 * workload of a seed from wherever the store stands, printing "applied N" after each batch,
 * until it is killed or done. Arguments: store directory, workload seed, entry count, batch
 * seed, and optionally the store's {@link WriteDurability} and an index after which to take
 * one checkpoint (printed as "checkpoint N").
 */
public final class ApplyCrashChild {
    private ApplyCrashChild() {}

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
