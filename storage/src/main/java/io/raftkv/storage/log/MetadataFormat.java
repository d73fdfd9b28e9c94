package io.raftkv.storage.log;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.SnapshotMetadata;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * How the hard state and the snapshot's metadata are stored. Both records start with a crc32c
 * over the rest of the record and a format byte:
 *
 * <pre>
 *   hard state:         crc32c u32 | format u8 | term u64 | vote u64 | commit u64
 *   snapshot metadata:  crc32c u32 | format u8 | index u64 | term u64
 *                       | voters u32 count, u64 each | learners u32 count, u64 each
 *                       | data length u64 | data crc32c u32
 * </pre>
 *
 * The snapshot's data is stored raw under its own key; its length and checksum live in the
 * metadata record, which is written in the same batch, so a torn or stale pair is detected.
 */
final class MetadataFormat {
    static final byte VERSION = 1;

    /** The decoded snapshot metadata record: where the snapshot sits, and what its data must be. */
    record StoredSnapshot(SnapshotMetadata metadata, long dataLength, int dataChecksum) {}

    private MetadataFormat() {}

    static byte[] encodeHardState(HardState hardState) {
        ByteBuffer buf = ByteBuffer.allocate(4 + 1 + 3 * Long.BYTES);
        buf.position(4);
        buf.put(VERSION).putLong(hardState.term()).putLong(hardState.vote()).putLong(hardState.commit());
        return seal(buf.array());
    }

    static HardState decodeHardState(byte[] value) throws MalformedRecordException {
        ByteBuffer buf = open(value);
        try {
            HardState hardState = new HardState(buf.getLong(), buf.getLong(), buf.getLong());
            requireFullyRead(buf);
            return hardState;
        } catch (BufferUnderflowException e) {
            throw new MalformedRecordException("hard state record of " + value.length + " bytes is truncated");
        }
    }

    static byte[] encodeSnapshot(SnapshotMetadata metadata, byte[] data) {
        ConfState conf = metadata.confState();
        int size = 4 + 1 + 2 * Long.BYTES
                + Integer.BYTES + conf.voters().size() * Long.BYTES
                + Integer.BYTES + conf.learners().size() * Long.BYTES
                + Long.BYTES + Integer.BYTES;
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.position(4);
        buf.put(VERSION).putLong(metadata.index()).putLong(metadata.term());
        putIds(buf, conf.voters());
        putIds(buf, conf.learners());
        buf.putLong(data.length).putInt(dataChecksum(data));
        return seal(buf.array());
    }

    static StoredSnapshot decodeSnapshot(byte[] value) throws MalformedRecordException {
        ByteBuffer buf = open(value);
        try {
            long index = buf.getLong();
            long term = buf.getLong();
            Set<Long> voters = getIds(buf);
            Set<Long> learners = getIds(buf);
            long dataLength = buf.getLong();
            int dataChecksum = buf.getInt();
            requireFullyRead(buf);
            ConfState conf;
            try {
                conf = new ConfState(voters, learners);
            } catch (IllegalArgumentException e) {
                throw new MalformedRecordException("snapshot membership is invalid: " + e.getMessage());
            }
            return new StoredSnapshot(new SnapshotMetadata(index, term, conf), dataLength, dataChecksum);
        } catch (BufferUnderflowException e) {
            throw new MalformedRecordException("snapshot metadata record of " + value.length + " bytes is truncated");
        }
    }

    /** Checks the snapshot's data against the length and checksum its metadata recorded. */
    static void verifySnapshotData(StoredSnapshot stored, byte[] data) throws MalformedRecordException {
        if (data.length != stored.dataLength()) {
            throw new MalformedRecordException(
                    "snapshot data is " + data.length + " bytes, its metadata says " + stored.dataLength());
        }
        int computed = dataChecksum(data);
        if (computed != stored.dataChecksum()) {
            throw new MalformedRecordException(String.format(
                    "snapshot data checksum mismatch: recorded crc32c %08x, computed %08x",
                    stored.dataChecksum(), computed));
        }
    }

    static int dataChecksum(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }

    private static byte[] seal(byte[] value) {
        ByteBuffer.wrap(value).putInt(0, bodyChecksum(value));
        return value;
    }

    /** Verifies the checksum and format byte; returns a buffer positioned at the record's fields. */
    private static ByteBuffer open(byte[] value) throws MalformedRecordException {
        if (value.length < 5) {
            throw new MalformedRecordException("record of " + value.length + " bytes, shorter than its header");
        }
        ByteBuffer buf = ByteBuffer.wrap(value);
        int stored = buf.getInt();
        int computed = bodyChecksum(value);
        if (stored != computed) {
            throw new MalformedRecordException(String.format(
                    "checksum mismatch: stored crc32c %08x, computed %08x", stored, computed));
        }
        byte version = buf.get();
        if (version != VERSION) {
            throw new MalformedRecordException("unknown record format " + version);
        }
        return buf;
    }

    private static void requireFullyRead(ByteBuffer buf) throws MalformedRecordException {
        if (buf.hasRemaining()) {
            throw new MalformedRecordException(buf.remaining() + " unexpected trailing bytes");
        }
    }

    private static int bodyChecksum(byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(value, 4, value.length - 4);
        return (int) crc.getValue();
    }

    private static void putIds(ByteBuffer buf, Set<Long> ids) {
        buf.putInt(ids.size());
        ids.stream().sorted().forEach(buf::putLong);
    }

    private static Set<Long> getIds(ByteBuffer buf) throws MalformedRecordException {
        int count = buf.getInt();
        if (count < 0 || count > buf.remaining() / Long.BYTES) {
            throw new MalformedRecordException("membership of " + count + " ids does not fit the record");
        }
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(buf.getLong());
        }
        return ids;
    }
}
