package io.raftkv.storage.mvcc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Byte layouts of the column families' keys.
 *
 * <p>The history index sorts by (user key, revision): the user key is escaped (0x00 becomes
 * 0x00 0xFF) and terminated by 0x00 0x01, so that a key never sorts between another key's
 * versions even when one key is a prefix of the other; then the 8-byte main and 4-byte sub
 * revision, big-endian. Revision keys of the event log are just (main, sub).
 */
final class KeyCodec {
    static final int REVISION_BYTES = 12;

    private KeyCodec() {}

    static byte[] revisionKey(long main, int sub) {
        return ByteBuffer.allocate(REVISION_BYTES).putLong(main).putInt(sub).array();
    }

    static long mainRevision(byte[] revisionKey) {
        return ByteBuffer.wrap(revisionKey).getLong();
    }

    static int subRevision(byte[] revisionKey) {
        return ByteBuffer.wrap(revisionKey).getInt(8);
    }

    /** The escaped, terminated user key: the prefix of all of its history index rows. */
    static byte[] historyPrefix(byte[] userKey) {
        return escaped(userKey, 0);
    }

    /** Where a seek lands on the first history row of the first key >= userKey. */
    static byte[] historySeek(byte[] userKey) {
        byte[] prefix = historyPrefix(userKey);
        return Arrays.copyOf(prefix, prefix.length - 2);
    }

    static byte[] historyKey(byte[] userKey, long main, int sub) {
        byte[] row = escaped(userKey, REVISION_BYTES);
        ByteBuffer.wrap(row, row.length - REVISION_BYTES, REVISION_BYTES).putLong(main).putInt(sub);
        return row;
    }

    /** The escaped, terminated key followed by {@code room} zero bytes, in one array (every write makes these). */
    private static byte[] escaped(byte[] userKey, int room) {
        int zeros = 0;
        for (byte b : userKey) {
            if (b == 0) {
                zeros++;
            }
        }
        byte[] out = new byte[userKey.length + zeros + 2 + room];
        if (zeros == 0) {
            System.arraycopy(userKey, 0, out, 0, userKey.length);
        } else {
            int j = 0;
            for (byte b : userKey) {
                out[j++] = b;
                if (b == 0) {
                    out[j++] = (byte) 0xFF;
                }
            }
        }
        out[userKey.length + zeros + 1] = 1;
        return out;
    }

    /** A decoded history index row key. */
    record HistoryKey(byte[] userKey, long main, int sub) {}

    static HistoryKey decodeHistoryKey(byte[] row) {
        ByteArrayOutputStream key = new ByteArrayOutputStream(row.length);
        int i = 0;
        while (true) {
            byte b = row[i];
            if (b == 0) {
                if (row[i + 1] == 1) {
                    break;
                }
                key.write(0);
                i += 2;
            } else {
                key.write(b);
                i++;
            }
        }
        ByteBuffer rev = ByteBuffer.wrap(row, i + 2, REVISION_BYTES);
        return new HistoryKey(key.toByteArray(), rev.getLong(), rev.getInt());
    }

    static byte[] leaseKey(long leaseId) {
        return ByteBuffer.allocate(8).putLong(leaseId).array();
    }

    static byte[] leaseAttachmentKey(long leaseId, byte[] userKey) {
        return ByteBuffer.allocate(8 + userKey.length).putLong(leaseId).put(userKey).array();
    }

    static byte[] attachedUserKey(byte[] attachmentKey) {
        return Arrays.copyOfRange(attachmentKey, 8, attachmentKey.length);
    }

    static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
