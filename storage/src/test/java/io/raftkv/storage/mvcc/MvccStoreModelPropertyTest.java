package io.raftkv.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.mvcc.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import io.raftkv.storage.snapshot.DirectoryInstall;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.LongRange;

/**
 * Random sequences of writes (puts, deletes, txns with nested and failing branches,
 * compactions, lease grants and revokes) applied in random batches, interleaved with reads
 * (ranges and read-only txns at current and historical revisions), against the RocksDB
 * store and the in-memory {@link ReferenceModel}: every response, error, revision and watch
 * event must be equal, and so must the whole history at the end. A failure prints the seed
 * (jqwik also replays the last failing one first).
 */
class MvccStoreModelPropertyTest {
    private static final int OPS = 50;

    @Property(tries = 200)
    void storeBehavesLikeTheModel(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) throws IOException {
        Path dir = Files.createTempDirectory("mvcc-prop");
        try (MvccStore store = MvccStore.open(dir, MvccOptions.defaults())) {
            runAndCompare(seed, store);
        } finally {
            DirectoryInstall.deleteTree(dir);
        }
    }

    static void runAndCompare(long seed, MvccStore store) {
        Random random = new Random(seed);
        RandomRequests requests = new RandomRequests(random);
        ReferenceModel model = new ReferenceModel(MvccOptions.defaults().minLeaseTtlSeconds());
        long index = store.state().appliedIndex();
        List<InternalRequest> pending = new ArrayList<>();
        int batchSize = 1 + random.nextInt(4);
        for (int op = 0; op < OPS; op++) {
            boolean read = random.nextInt(10) < 3;
            if (!read) {
                pending.add(requests.write(leases(model), model.compactRevision(), model.revision()));
                if (pending.size() < batchSize && op < OPS - 1) {
                    continue;
                }
            }
            index = applyAndCompare(seed, store, model, index, pending);
            pending.clear();
            batchSize = 1 + random.nextInt(4);
            if (read) {
                if (random.nextBoolean()) {
                    RangeRequest range = requests.range(model.compactRevision(), model.revision());
                    assertThat(outcome(() -> store.range(range))).as("seed %d range %s", seed, range)
                            .isEqualTo(outcome(() -> model.range(range)));
                } else {
                    TxnRequest txn = requests.txn(0, true, leases(model), model.compactRevision(), model.revision());
                    assertThat(outcome(() -> store.txnReadOnly(txn))).as("seed %d txn %s", seed, txn)
                            .isEqualTo(outcome(() -> model.txn(txn, false)));
                }
            }
        }
        applyAndCompare(seed, store, model, index, pending);
        compareWholeHistory(seed, store, model);
    }

    private static List<Long> leases(ReferenceModel model) {
        return new ArrayList<>(model.leaseKeys().keySet());
    }

    private interface Call {
        Object run();
    }

    private static Object outcome(Call call) {
        try {
            return call.run();
        } catch (EtcdException e) {
            return e;
        }
    }

    private static long applyAndCompare(long seed, MvccStore store, ReferenceModel model, long index,
                                        List<InternalRequest> batch) {
        if (batch.isEmpty()) {
            return index;
        }
        List<CommittedCommand> commands = new ArrayList<>();
        int eventsBefore = model.events.size();
        List<Object> expected = new ArrayList<>();
        for (InternalRequest request : batch) {
            commands.add(new CommittedCommand.Request(++index, 1, request));
            expected.add(model.apply(index, request));
        }
        ApplyBatchResult result = store.applyBatch(commands);
        for (int i = 0; i < batch.size(); i++) {
            ApplyResult actual = result.results().get(i);
            Object got = actual instanceof ApplyResult.Applied applied ? applied.response()
                    : ((ApplyResult.Rejected) actual).error();
            assertThat(got).as("seed %d request %s", seed, batch.get(i)).isEqualTo(expected.get(i));
            // Shows in the report how often each kind of request succeeded or was refused.
            Statistics.label("writes").collect(batch.get(i).getRequestCase() + " "
                    + (got instanceof EtcdException e ? e.error() : txnOutcome(got)));
        }
        assertThat(result.events()).as("seed %d events", seed)
                .isEqualTo(model.events.subList(eventsBefore, model.events.size()));
        assertThat(result.revision()).isEqualTo(model.revision());
        assertThat(store.state().compactRevision()).isEqualTo(model.compactRevision());
        return index;
    }

    private static String txnOutcome(Object response) {
        return response instanceof io.raftkv.proto.etcd.TxnResponse txn ? (txn.getSucceeded() ? "success" : "failure") : "ok";
    }

    static void compareWholeHistory(long seed, MvccStore store, ReferenceModel model) {
        ByteString all = ByteString.copyFrom(new byte[] {0});
        for (long rev = Math.max(1, model.compactRevision()); rev <= model.revision(); rev++) {
            RangeRequest range = RangeRequest.newBuilder().setKey(all).setRangeEnd(all).setRevision(rev).build();
            assertThat(store.range(range)).as("seed %d at revision %d", seed, rev).isEqualTo(model.range(range));
        }
        long from = Math.max(1, model.compactRevision());
        WatchHistory.Page page = (WatchHistory.Page) store.history(from, all, all, false, Integer.MAX_VALUE);
        List<Event> expected = model.history(from, all, all);
        assertThat(page.events()).as("seed %d history", seed).isEqualTo(expected);
        Map<Long, List<ByteString>> leaseKeys = model.leaseKeys();
        assertThat(store.leases()).as("seed %d leases", seed).hasSize(leaseKeys.size())
                .allSatisfy(lease -> assertThat(lease.keys()).isEqualTo(leaseKeys.get(lease.id())));
    }
}
