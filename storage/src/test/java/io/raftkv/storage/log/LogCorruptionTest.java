package io.raftkv.storage.log;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damaged records are reported (with index, directory and file) and never returned. */
class LogCorruptionTest {
    @TempDir
    Path dir;

    private static List<Entry> entries(long from, long to) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.normal(1, i, ("entry " + i).getBytes()));
        }
        return out;
    }

    private void writeTenEntries() {
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            log.append(entries(1, 10));
            log.setHardState(new HardState(1, 1, 10));
        }
    }

    @Test
    void aFlippedBitInAnEntryIsReportedWithItsIndexAndDirectory() throws Exception {
        writeTenEntries();
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            byte[] value = raw.entry(4);
            raw.putEntry(4, RawLogDatabase.flipBit(value, value.length - 1, 3));
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            assertThatThrownBy(() -> log.entries(1, 11, Long.MAX_VALUE))
                    .isInstanceOfSatisfying(CorruptLogException.class, e -> {
                        assertThat(e.index()).hasValue(4);
                        assertThat(e.directory()).isEqualTo(dir.toAbsolutePath());
                        assertThat(e.location()).isNotBlank();
                        assertThat(e.getMessage()).contains("index 4", dir.toAbsolutePath().toString(), "checksum mismatch");
                    });
            assertThatThrownBy(() -> log.term(4)).isInstanceOf(CorruptLogException.class);
            // The damage is confined to its entry: everything around it still reads.
            assertThat(log.entries(1, 4, Long.MAX_VALUE)).isEqualTo(entries(1, 3));
            assertThat(log.entries(5, 11, Long.MAX_VALUE)).isEqualTo(entries(5, 10));
            // A byte limit that stops before the damaged entry never reaches it.
            assertThat(log.entries(3, 11, 1)).isEqualTo(entries(3, 3));
        }
    }

    @Test
    void aDamagedEntryInAnSstFileNamesTheFile() throws Exception {
        writeTenEntries();
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            byte[] value = raw.entry(7);
            raw.putEntry(7, RawLogDatabase.flipBit(value, 5, 0));
            raw.flush();
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            assertThatThrownBy(() -> log.entries(6, 9, Long.MAX_VALUE))
                    .isInstanceOfSatisfying(CorruptLogException.class, e -> {
                        assertThat(e.index()).hasValue(7);
                        assertThat(e.location()).startsWith("SST file " + dir.toAbsolutePath()).endsWith(".sst");
                    });
        }
    }

    @Test
    void anEntryStoredUnderAnotherIndexIsDetected() throws Exception {
        writeTenEntries();
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            raw.putEntry(6, raw.entry(5));
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            assertThatThrownBy(() -> log.entries(5, 8, Long.MAX_VALUE))
                    .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.index()).hasValue(6));
        }
    }

    @Test
    void aMissingEntryInsideTheLogIsReported() throws Exception {
        writeTenEntries();
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            raw.deleteEntry(5);
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            assertThatThrownBy(() -> log.entries(1, 11, Long.MAX_VALUE))
                    .isInstanceOfSatisfying(CorruptLogException.class, e -> {
                        assertThat(e.index()).hasValue(5);
                        assertThat(e.getMessage()).contains("missing");
                    });
            assertThatThrownBy(() -> log.term(5)).isInstanceOf(CorruptLogException.class);
        }
    }

    @Test
    void aDamagedLastEntryStopsTheStoreFromOpening() throws Exception {
        writeTenEntries();
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            byte[] value = raw.entry(10);
            raw.putEntry(10, RawLogDatabase.flipBit(value, 9, 7));
        }
        assertThatThrownBy(() -> RocksRaftLogStorage.open(dir))
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.index()).hasValue(10));
    }

    @Test
    void aLogThatDoesNotStartRightAfterTheSnapshotStopsTheStoreFromOpening() throws Exception {
        writeTenEntries();
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            raw.deleteEntry(1);
        }
        assertThatThrownBy(() -> RocksRaftLogStorage.open(dir))
                .isInstanceOfSatisfying(CorruptLogException.class, e -> {
                    assertThat(e.index()).hasValue(2);
                    assertThat(e.getMessage()).contains("starts at index 2");
                });
    }

    @Test
    void aDamagedHardStateStopsTheStoreFromOpening() throws Exception {
        writeTenEntries();
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            byte[] value = raw.meta(LogKeys.HARD_STATE);
            raw.putMeta(LogKeys.HARD_STATE, RawLogDatabase.flipBit(value, 12, 2));
        }
        assertThatThrownBy(() -> RocksRaftLogStorage.open(dir))
                .isInstanceOfSatisfying(CorruptLogException.class, e -> {
                    assertThat(e.record()).isEqualTo("hard state");
                    assertThat(e.index()).isEmpty();
                });
    }

    @Test
    void damagedSnapshotDataIsReportedAndNotReturned() throws Exception {
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            log.append(entries(1, 10));
            log.compact(new Snapshot(new SnapshotMetadata(5, 1, ConfState.EMPTY), new byte[] {1, 2, 3, 4}));
        }
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            raw.putMeta(LogKeys.SNAPSHOT_DATA, new byte[] {1, 2, 3, 5});
        }
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            assertThat(log.firstIndex()).isEqualTo(6);
            assertThatThrownBy(log::snapshot)
                    .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.record()).isEqualTo("snapshot data"));
        }
    }

    @Test
    void damagedSnapshotMetadataStopsTheStoreFromOpening() throws Exception {
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            log.append(entries(1, 10));
            log.compact(new Snapshot(new SnapshotMetadata(5, 1, ConfState.EMPTY), new byte[] {1}));
        }
        try (RawLogDatabase raw = new RawLogDatabase(dir)) {
            byte[] value = raw.meta(LogKeys.SNAPSHOT_METADATA);
            raw.putMeta(LogKeys.SNAPSHOT_METADATA, RawLogDatabase.flipBit(value, 6, 1));
        }
        assertThatThrownBy(() -> RocksRaftLogStorage.open(dir))
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.record()).isEqualTo("snapshot metadata"));
    }
}
