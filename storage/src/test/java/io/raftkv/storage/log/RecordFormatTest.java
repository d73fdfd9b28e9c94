package io.raftkv.storage.log;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.SnapshotMetadata;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordFormatTest {

    @Test
    void entriesRoundTrip() throws Exception {
        Entry normal = Entry.normal(7, 42, new byte[] {9, 8, 7});
        Entry conf = new Entry(3, 1, Entry.Type.CONF_CHANGE, new byte[0]);
        assertThat(EntryFormat.decode(42, EntryFormat.encode(normal))).isEqualTo(normal);
        assertThat(EntryFormat.decode(1, EntryFormat.encode(conf))).isEqualTo(conf);
    }

    @Test
    void everySingleBitFlipOfAnEntryIsDetected() {
        byte[] value = EntryFormat.encode(Entry.normal(5, 1234, "some command".getBytes()));
        for (int i = 0; i < value.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = RawLogDatabase.flipBit(value, i, bit);
                assertThatThrownBy(() -> EntryFormat.decode(1234, damaged))
                        .as("byte %d bit %d", i, bit)
                        .isInstanceOf(MalformedRecordException.class);
            }
        }
    }

    @Test
    void anEntryReadUnderAnotherIndexIsDetected() {
        byte[] value = EntryFormat.encode(Entry.normal(5, 1234, "x".getBytes()));
        assertThatThrownBy(() -> EntryFormat.decode(1235, value)).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void truncatedRecordsAreDetected() {
        byte[] value = EntryFormat.encode(Entry.normal(5, 1, "abc".getBytes()));
        assertThatThrownBy(() -> EntryFormat.decode(1, java.util.Arrays.copyOf(value, value.length - 1)))
                .isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> EntryFormat.decode(1, new byte[3])).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> MetadataFormat.decodeHardState(new byte[2])).isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void hardStatesRoundTripAndDetectDamage() throws Exception {
        HardState hardState = new HardState(9, 3, 77);
        byte[] value = MetadataFormat.encodeHardState(hardState);
        assertThat(MetadataFormat.decodeHardState(value)).isEqualTo(hardState);
        for (int i = 0; i < value.length; i++) {
            byte[] damaged = RawLogDatabase.flipBit(value, i, i % 8);
            assertThatThrownBy(() -> MetadataFormat.decodeHardState(damaged)).isInstanceOf(MalformedRecordException.class);
        }
    }

    @Test
    void snapshotMetadataRoundTripsWithItsMembershipAndDataChecksum() throws Exception {
        SnapshotMetadata metadata = new SnapshotMetadata(100, 4, new ConfState(Set.of(1L, 2L, 3L), Set.of(9L)));
        byte[] data = "checkpoint".getBytes();
        MetadataFormat.StoredSnapshot stored = MetadataFormat.decodeSnapshot(MetadataFormat.encodeSnapshot(metadata, data));
        assertThat(stored.metadata()).isEqualTo(metadata);
        MetadataFormat.verifySnapshotData(stored, data);
        assertThatThrownBy(() -> MetadataFormat.verifySnapshotData(stored, "checkpoinT".getBytes()))
                .isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> MetadataFormat.verifySnapshotData(stored, "checkpoint!".getBytes()))
                .isInstanceOf(MalformedRecordException.class);
    }
}
