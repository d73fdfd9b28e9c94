package io.raftkv.server.watch;

import com.google.protobuf.ByteString;
import java.util.Comparator;

/**
 * The keys one watcher follows, in etcd's range forms: an empty range_end is the single key,
 * "\0" is every key >= key, otherwise the half-open [key, range_end).
 */
record WatchedKeys(ByteString key, ByteString rangeEnd) {
    private static final Comparator<ByteString> UNSIGNED = ByteString.unsignedLexicographicalComparator();
    private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

    /** etcd refuses a bounded range that holds no key (key >= range_end). */
    boolean isEmpty() {
        return isBounded() && UNSIGNED.compare(key, rangeEnd) >= 0;
    }

    boolean contains(ByteString candidate) {
        if (rangeEnd.isEmpty()) {
            return candidate.equals(key);
        }
        if (rangeEnd.equals(FROM_KEY)) {
            return UNSIGNED.compare(candidate, key) >= 0;
        }
        return UNSIGNED.compare(candidate, key) >= 0 && UNSIGNED.compare(candidate, rangeEnd) < 0;
    }

    private boolean isBounded() {
        return !rangeEnd.isEmpty() && !rangeEnd.equals(FROM_KEY);
    }
}
