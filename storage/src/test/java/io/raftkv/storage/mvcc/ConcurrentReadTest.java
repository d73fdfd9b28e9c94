package io.raftkv.storage.mvcc;

import static io.raftkv.storage.mvcc.Requests.of;
import static io.raftkv.storage.mvcc.Requests.put;
import static io.raftkv.storage.mvcc.Requests.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.proto.etcd.RangeResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads from other threads see a whole applied batch or none of it. */
class ConcurrentReadTest {
    @TempDir
    Path dir;

    @Test
    void readersNeverSeeHalfABatch() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("store"), MvccOptions.defaults())) {
            AtomicBoolean applying = new AtomicBoolean(true);
            CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> {
                List<String> violations = new ArrayList<>();
                int reads = 0;
                while (applying.get() || reads < 10) {
                    RangeResponse response = store.range(range("k", "l").build());
                    reads++;
                    // every batch puts two new keys, so the count is always even, and the
                    // header revision is exactly one more than the count
                    if (response.getCount() % 2 != 0 || response.getHeader().getRevision() != response.getCount() + 1) {
                        violations.add("count " + response.getCount() + " at revision " + response.getHeader().getRevision());
                    }
                }
                return violations;
            });
            long index = 0;
            for (int i = 0; i < 300; i++) {
                store.applyBatch(List.of(
                        new CommittedCommand.Request(++index, 1, of(put(String.format("k%04da", i), "x"))),
                        new CommittedCommand.Request(++index, 1, of(put(String.format("k%04db", i), "y")))));
            }
            applying.set(false);
            assertThat(reader.get(60, TimeUnit.SECONDS)).isEmpty();
            assertThat(store.range(range("k", "l").build()).getCount()).isEqualTo(600);
        }
    }
}
