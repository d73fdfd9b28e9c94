package io.raftkv.storage.mvcc;

import io.raftkv.proto.internal.InternalRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic list of committed entries (requests valid or not, as clients send them)
 * for a seed: the same seed gives the same entries in every JVM, which is what lets a
 * killed child's work be compared with an uninterrupted run.
 */
final class Workload {
    private Workload() {}

    static List<CommittedCommand> entries(long seed, int count) {
        Random random = new Random(seed);
        RandomRequests requests = new RandomRequests(random);
        ReferenceModel model = new ReferenceModel(MvccOptions.defaults().minLeaseTtlSeconds());
        List<CommittedCommand> entries = new ArrayList<>();
        for (long index = 1; index <= count; index++) {
            if (random.nextInt(25) == 0) {
                entries.add(new CommittedCommand.Noop(index, 1));
                continue;
            }
            InternalRequest request = requests.write(new ArrayList<>(model.leaseKeys().keySet()),
                    model.compactRevision(), model.revision());
            model.apply(index, request);
            entries.add(new CommittedCommand.Request(index, 1, request));
        }
        return entries;
    }

    /** Applies entries after the store's applied index in batches of 1..maxBatch; calls back after each. */
    static void applyFrom(MvccStore store, List<CommittedCommand> entries, Random random, int maxBatch,
                          java.util.function.LongConsumer afterBatch) {
        int next = (int) store.state().appliedIndex();
        while (next < entries.size()) {
            int size = Math.min(1 + random.nextInt(maxBatch), entries.size() - next);
            store.applyBatch(entries.subList(next, next + size));
            next += size;
            afterBatch.accept(next);
        }
    }
}
