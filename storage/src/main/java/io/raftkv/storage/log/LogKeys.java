package io.raftkv.storage.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Keys of the log store. Entry keys are the index as 8 big-endian bytes, so RocksDB's bytewise
 * order is index order and a range of the log is one forward scan. Metadata keys are short
 * ASCII names in their own column family.
 */
final class LogKeys {
    static final String ENTRIES_FAMILY = "raft_log";
    static final String META_FAMILY = "raft_meta";

    static final byte[] HARD_STATE = ascii("hard_state");
    static final byte[] SNAPSHOT_METADATA = ascii("snapshot_metadata");
    static final byte[] SNAPSHOT_DATA = ascii("snapshot_data");

    private LogKeys() {}

    static byte[] entryKey(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative log index " + index);
        }
        return ByteBuffer.allocate(Long.BYTES).putLong(index).array();
    }

    static long indexOf(byte[] entryKey) {
        if (entryKey.length != Long.BYTES) {
            throw new IllegalArgumentException("entry key of " + entryKey.length + " bytes");
        }
        return ByteBuffer.wrap(entryKey).getLong();
    }

    static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
