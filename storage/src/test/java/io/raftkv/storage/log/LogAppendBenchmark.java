package io.raftkv.storage.log;

import io.raftkv.raft.core.Entry;
import io.raftkv.storage.log.RocksRaftLogStorage.RecentEntriesLimit;

import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Log appends per second and per fsync, for batches of 1, 16 and 256 entries of 256 B, each
 * batch one {@link RocksRaftLogStorage#append} call (one synced WriteBatch). The fsync count is
 * RocksDB's own (ticker WAL_FILE_SYNCED), so "entries per fsync" is measured, not assumed.
 *
 * <p>Usage: {@code scripts/bench-log [--dir DIR] [--seconds N] [--entry-bytes N] [--batches 1,16,256]}.
 * The directory must be on the disk you care about (not tmpfs).
 */
public final class LogAppendBenchmark {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of("storage/target/bench-log");
        double seconds = 5;
        int entryBytes = 256;
        int[] batches = {1, 16, 256};
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--entry-bytes" -> entryBytes = Integer.parseInt(args[i + 1]);
                case "--batches" -> batches = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --dir DIR --seconds N --entry-bytes N --batches 1,16,256)");
            }
        }
        System.out.printf("Raft log appends on RocksDB, %d B entries, %.0f s per case, in %s%n",
                entryBytes, seconds, dir.toAbsolutePath());
        System.out.printf("%8s %14s %12s %12s %14s %10s %10s %10s%n",
                "batch", "entries/s", "appends/s", "fsyncs/s", "entries/fsync", "MB/s", "p50 ms", "p99 ms");
        for (int batch : batches) {
            Result r = measure(dir.resolve("batch-" + batch), batch, entryBytes, seconds);
            System.out.printf("%8d %14.0f %12.0f %12.0f %14.1f %10.2f %10.3f %10.3f%n",
                    batch, r.entries / r.seconds, r.appends / r.seconds, r.fsyncs / r.seconds,
                    (double) r.entries / Math.max(1, r.fsyncs),
                    r.entries * (double) entryBytes / r.seconds / 1e6, r.p50Millis, r.p99Millis);
        }
    }

    private record Result(long entries, long appends, long fsyncs, double seconds, double p50Millis, double p99Millis) {}

    private static Result measure(Path dir, int batch, int entryBytes, double seconds) throws IOException {
        deleteRecursively(dir);
        byte[] data = new byte[entryBytes];
        new Random(1).nextBytes(data);
        try (Statistics statistics = new Statistics();
             RocksRaftLogStorage log = RocksRaftLogStorage.open(dir, RecentEntriesLimit.DEFAULT, Optional.of(statistics))) {
            long next = 1;
            // Warm-up: JIT, WAL file creation, memtable allocation.
            long warmUntil = System.nanoTime() + (long) (Math.min(1.0, seconds / 5) * 1e9);
            while (System.nanoTime() < warmUntil) {
                log.append(batchAt(next, batch, data));
                next += batch;
            }
            long syncsBefore = statistics.getTickerCount(TickerType.WAL_FILE_SYNCED);
            long[] latencies = new long[1 << 20];
            int appends = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now = start;
            while (now < end) {
                List<Entry> entries = batchAt(next, batch, data);
                long t0 = System.nanoTime();
                log.append(entries);
                now = System.nanoTime();
                if (appends < latencies.length) {
                    latencies[appends] = now - t0;
                }
                appends++;
                next += batch;
            }
            double elapsed = (now - start) / 1e9;
            long syncs = statistics.getTickerCount(TickerType.WAL_FILE_SYNCED) - syncsBefore;
            long[] sorted = Arrays.copyOf(latencies, Math.min(appends, latencies.length));
            Arrays.sort(sorted);
            return new Result((long) appends * batch, appends, syncs, elapsed,
                    percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static List<Entry> batchAt(long first, int batch, byte[] data) {
        List<Entry> entries = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            entries.add(Entry.normal(1, first + i, data));
        }
        return entries;
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
