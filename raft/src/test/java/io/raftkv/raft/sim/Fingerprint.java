package io.raftkv.raft.sim;

import io.raftkv.raft.core.Entry;

/** 64-bit FNV-1a fingerprints: what the checks compare instead of whole entries. */
final class Fingerprint {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fingerprint() {}

    /** Identifies an entry's content (type and data), not its position. */
    static long of(Entry.Type type, byte[] data) {
        long h = mix(OFFSET, type.ordinal());
        for (byte b : data) {
            h = mix(h, b);
        }
        return mix(h, data.length);
    }

    static long of(Entry entry) {
        return of(entry.type(), entry.data());
    }

    /** The state machine's running hash after applying {@code entry} on top of {@code previous}. */
    static long chain(long previous, Entry entry) {
        long h = mix(previous, entry.index());
        h = mix(h, entry.term());
        return mix(h, of(entry));
    }

    private static long mix(long h, long value) {
        for (int i = 0; i < 8; i++) {
            h ^= (value >>> (8 * i)) & 0xff;
            h *= PRIME;
        }
        return h;
    }
}
