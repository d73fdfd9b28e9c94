package io.raftkv.storage.log;

import io.raftkv.raft.core.Entry;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * How one log entry is stored (the value under its index key):
 *
 * <pre>
 *   crc32c  u32   over the entry's index (8 bytes, big-endian) followed by every byte after this field
 *   format  u8    1
 *   term    u64
 *   type    u8    0 NORMAL, 1 CONF_CHANGE
 *   data    the rest
 * </pre>
 *
 * The index is covered by the checksum but not stored, so a value found under the wrong key (a
 * misdirected write, a bad copy) fails the check like a flipped bit does.
 */
final class EntryFormat {
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 4 + 1 + 8 + 1;

    private static final Entry.Type[] TYPES = Entry.Type.values();
    /** What {@link Entry#sizeBytes()} adds to the data's length. */
    private static final long ENTRY_OVERHEAD = Entry.normal(0, 0, new byte[0]).sizeBytes();

    private EntryFormat() {}

    static byte[] encode(Entry entry) {
        byte[] value = new byte[HEADER_BYTES + entry.data().length];
        ByteBuffer buf = ByteBuffer.wrap(value);
        buf.position(4);
        buf.put(VERSION).putLong(entry.term()).put((byte) entry.type().ordinal()).put(entry.data());
        buf.putInt(0, checksum(entry.index(), value));
        return value;
    }

    static Entry decode(long index, byte[] value) throws MalformedRecordException {
        if (value.length < HEADER_BYTES) {
            throw new MalformedRecordException("entry record of " + value.length + " bytes, shorter than its header");
        }
        ByteBuffer buf = ByteBuffer.wrap(value);
        int stored = buf.getInt();
        int computed = checksum(index, value);
        if (stored != computed) {
            throw new MalformedRecordException(String.format(
                    "checksum mismatch: stored crc32c %08x, computed %08x", stored, computed));
        }
        byte version = buf.get();
        if (version != VERSION) {
            throw new MalformedRecordException("unknown entry format " + version);
        }
        long term = buf.getLong();
        int type = buf.get();
        if (type < 0 || type >= TYPES.length) {
            throw new MalformedRecordException("unknown entry type " + type);
        }
        return new Entry(term, index, TYPES[type], Arrays.copyOfRange(value, HEADER_BYTES, value.length));
    }

    /**
     * The {@link Entry#sizeBytes()} of the entry a record holds, from its length alone: a byte limit
     * can stop a scan before the first entry it would not return is even decoded.
     */
    static long sizeBytes(byte[] value) {
        return Math.max(0, value.length - HEADER_BYTES) + ENTRY_OVERHEAD;
    }

    private static int checksum(long index, byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, index));
        crc.update(value, 4, value.length - 4);
        return (int) crc.getValue();
    }
}
