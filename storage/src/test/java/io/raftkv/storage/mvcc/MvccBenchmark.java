package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.storage.snapshot.DirectoryInstall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * State machine throughput, run by scripts/bench-mvcc:
 * <ol>
 *   <li>applies per second of single-key puts in batches of 100 entries (one WriteBatch each,
 *       the default non-synced WAL, as the apply thread runs them);</li>
 *   <li>ranges returning 1,000 keys (a prefix over a store of more keys with history):
 *       ops per second and latency percentiles.</li>
 * </ol>
 * Usage: MvccBenchmark [--dir DIR] [--seconds N] [--value-bytes N] [--keys N]
 */
public final class MvccBenchmark {
    /** CPU time per op is reported beside wall-clock rates: it stays meaningful on a shared, loaded machine. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private MvccBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("storage/target/bench-mvcc");
        int seconds = 10;
        int valueBytes = 256;
        int keySpace = 100_000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--value-bytes" -> valueBytes = Integer.parseInt(args[i + 1]);
                case "--keys" -> keySpace = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DirectoryInstall.deleteTree(dir);
        Files.createDirectories(dir);
        System.out.printf("MVCC state machine benchmark: dir=%s, %d s per phase, values of %d B, %d keys%n",
                dir, seconds, valueBytes, keySpace);
        try (MvccStore store = MvccStore.open(dir.resolve("store"), MvccOptions.defaults())) {
            long index = applyPuts(store, seconds, valueBytes, keySpace);
            rangeThousand(store, seconds, valueBytes, index);
            System.out.printf("db size: %.1f MiB%n", store.dbSize() / 1048576.0);
        }
        DirectoryInstall.deleteTree(dir);
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private static long applyPuts(MvccStore store, int seconds, int valueBytes, int keySpace) {
        Random random = new Random(1);
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        ByteString valueBytesString = ByteString.copyFrom(value);
        long index = 0;
        long entries = 0;
        long batches = 0;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long warmupEnd = System.nanoTime() + 1_000_000_000L;
        long start = 0;
        long cpuStart = 0;
        boolean measuring = false;
        while (System.nanoTime() < deadline) {
            if (!measuring && System.nanoTime() >= warmupEnd) {
                measuring = true;
                start = System.nanoTime();
                cpuStart = CPU.getCurrentThreadCpuTime();
                entries = 0;
                batches = 0;
            }
            List<CommittedCommand> batch = new ArrayList<>(100);
            for (int i = 0; i < 100; i++) {
                PutRequest put = PutRequest.newBuilder()
                        .setKey(bytes(String.format("/bench/key-%08d", random.nextInt(keySpace))))
                        .setValue(valueBytesString).build();
                batch.add(new CommittedCommand.Request(++index, 1, InternalRequest.newBuilder().setPut(put).build()));
            }
            store.applyBatch(batch);
            entries += 100;
            batches++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e3 / entries;
        System.out.printf("apply, single-key puts in batches of 100: %,.0f entries/s (%,.0f batches/s, %,d entries over %.1f s;"
                        + " %.1f us of apply-thread CPU per entry)%n",
                entries / elapsed, batches / elapsed, entries, elapsed, cpuMicros);
        return index;
    }

    private static void rangeThousand(MvccStore store, int seconds, int valueBytes, long index) {
        List<CommittedCommand> batch = new ArrayList<>();
        ByteString value = ByteString.copyFrom(new byte[valueBytes]);
        for (int round = 0; round < 2; round++) { // two versions each, so history exists beside the latest
            for (int i = 0; i < 1000; i++) {
                PutRequest put = PutRequest.newBuilder().setKey(bytes(String.format("/range/%05d", i))).setValue(value).build();
                batch.add(new CommittedCommand.Request(++index, 1, InternalRequest.newBuilder().setPut(put).build()));
                if (batch.size() == 100) {
                    store.applyBatch(batch);
                    batch = new ArrayList<>();
                }
            }
        }
        RangeRequest range = RangeRequest.newBuilder().setKey(bytes("/range/")).setRangeEnd(bytes("/range0")).build();
        RangeResponse check = store.range(range);
        if (check.getKvsCount() != 1000) {
            throw new IllegalStateException("expected 1000 keys, got " + check.getKvsCount());
        }
        long revisionBefore = store.state().revision() - 1000;
        measureRange("range of 1,000 keys (current revision)", store, range, seconds);
        measureRange("range of 1,000 keys (historical revision)", store,
                range.toBuilder().setRevision(revisionBefore).build(), seconds);
    }

    private static void measureRange(String label, MvccStore store, RangeRequest range, int seconds) {
        long warmupEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmupEnd) {
            store.range(range);
        }
        long[] latencies = new long[1 << 20];
        int n = 0;
        long start = System.nanoTime();
        long cpuStart = CPU.getCurrentThreadCpuTime();
        long deadline = start + seconds * 1_000_000_000L;
        long now = start;
        while (now < deadline && n < latencies.length) {
            long t0 = System.nanoTime();
            RangeResponse response = store.range(range);
            now = System.nanoTime();
            if (response.getKvsCount() != 1000) {
                throw new IllegalStateException("range returned " + response.getKvsCount());
            }
            latencies[n++] = now - t0;
        }
        double elapsed = (now - start) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double cpuMillis = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e6 / n;
        System.out.printf("%s: %,.0f ops/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d ops; %.2f ms CPU per op)%n",
                label, n / elapsed, sorted[n / 2] / 1e6, sorted[(int) (n * 0.99)] / 1e6, sorted[n - 1] / 1e6, n, cpuMillis);
    }
}
