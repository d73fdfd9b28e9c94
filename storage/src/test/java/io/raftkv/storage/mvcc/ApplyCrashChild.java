package io.raftkv.storage.mvcc;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link RestartTest}: applies the workload of a seed from wherever the
 * store stands, printing "applied N" after each batch, until it is killed or done.
 * Arguments: store directory, workload seed, entry count, batch seed.
 */
public final class ApplyCrashChild {
    private ApplyCrashChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        List<CommittedCommand> entries = Workload.entries(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        try (MvccStore store = MvccStore.open(dir, MvccOptions.defaults())) {
            System.out.println("applied " + store.state().appliedIndex());
            System.out.flush();
            Workload.applyFrom(store, entries, new Random(Long.parseLong(args[3])), 8, index -> {
                System.out.println("applied " + index);
                System.out.flush();
            });
        }
        System.out.println("done");
    }
}
