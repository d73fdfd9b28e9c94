package io.raftkv.storage.log;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.storage.LogCompactedException;
import io.raftkv.storage.log.RocksRaftLogStorage.RecentEntriesLimit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the RocksDB store adds to the shared contract: combined saves, key order, concurrency, lifecycle. */
class RocksRaftLogStorageTest {
    @TempDir
    Path dir;

    @Test
    void saveWritesTheHardStateAndEntriesTogether() {
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            log.save(new HardState(2, 1, 0), CrashWorkload.run(1, 5, 2));
            log.save(new HardState(3, 2, 4), CrashWorkload.run(4, 4, 3));
            log.save(new HardState(3, 2, 4), List.of());
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            assertThat(log.initialState().hardState()).isEqualTo(new HardState(3, 2, 4));
            assertThat(log.lastIndex()).isEqualTo(4);
            assertThat(log.entries(1, 5, Long.MAX_VALUE))
                    .containsExactlyElementsOf(concat(CrashWorkload.run(1, 3, 2), CrashWorkload.run(4, 4, 3)));
        }
    }

    @Test
    void entryKeysIterateInIndexOrderAcrossByteBoundaries() {
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= 70_000; i++) {
            written.add(Entry.normal(1, i, new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)}));
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir, RecentEntriesLimit.NONE)) {
            log.append(written);
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir, RecentEntriesLimit.NONE)) {
            assertThat(log.lastIndex()).isEqualTo(70_000);
            assertThat(log.entries(250, 262, Long.MAX_VALUE)).isEqualTo(written.subList(249, 261));
            assertThat(log.entries(65_530, 65_542, Long.MAX_VALUE)).isEqualTo(written.subList(65_529, 65_541));
            assertThat(log.entries(1, 70_001, Long.MAX_VALUE)).isEqualTo(written);
        }
    }

    /**
     * A writer appends, truncates and compacts while readers read: a reader may find its range
     * compacted or cut short by the time it asks, but never a torn or corrupt view.
     */
    @Test
    void readersNeverSeeATornLogWhileTheWriterAppendsTruncatesAndCompacts() throws Exception {
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir, new RecentEntriesLimit(64, 1 << 20))) {
            AtomicBoolean writing = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong reads = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                Random random = new Random(r);
                Thread reader = new Thread(() -> {
                    try {
                        while (writing.get()) {
                            readOnce(log, random);
                            reads.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            Random random = new Random(42);
            try {
                for (int op = 0; op < 300 && failures.isEmpty(); op++) {
                    CrashWorkload.perform(log, LogCrashWriter.next(log, random));
                }
            } finally {
                writing.set(false);
                for (Thread reader : readers) {
                    reader.join(TimeUnit.SECONDS.toMillis(60));
                }
            }
            assertThat(failures).isEmpty();
            assertThat(reads.get()).isPositive();
        }
    }

    private static void readOnce(RocksRaftLogStorage log, Random random) {
        long first = log.firstIndex();
        long last = log.lastIndex();
        if (last < first) {
            return;
        }
        long lo = first + (long) (random.nextDouble() * (last - first + 1));
        long hi = Math.min(last + 1, lo + 1 + random.nextInt(64));
        List<Entry> entries;
        try {
            entries = log.entries(lo, hi, random.nextBoolean() ? Long.MAX_VALUE : 2000);
        } catch (LogCompactedException | IndexOutOfBoundsException raced) {
            return; // compacted or truncated between our bounds check and the read: legitimate
        }
        assertThat(entries).isNotEmpty();
        long previousTerm = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            assertThat(e.index()).isEqualTo(lo + i);
            assertThat(e.data()).isEqualTo(CrashWorkload.payload(e.index(), e.term()));
            assertThat(e.term()).isGreaterThanOrEqualTo(previousTerm);
            previousTerm = e.term();
        }
    }

    @Test
    void aClosedStoreRefusesEveryCall() {
        RocksRaftLogStorage log = RocksRaftLogStorage.open(dir);
        log.close();
        log.close(); // idempotent
        assertThatThrownBy(log::lastIndex).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.append(CrashWorkload.run(1, 1, 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.setHardState(new HardState(1, 1, 1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void itCreatesItsDirectoryAndKeepsItsOwnFilesThere() {
        Path nested = dir.resolve("a/b/raft-log");
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(nested)) {
            log.append(CrashWorkload.run(1, 3, 1));
            assertThat(log.directory()).isEqualTo(nested.toAbsolutePath());
        }
        assertThat(nested.resolve("CURRENT")).exists();
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
