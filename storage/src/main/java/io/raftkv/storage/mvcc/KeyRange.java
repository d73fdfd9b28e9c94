package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import java.util.Arrays;

/**
 * The keys an etcd request addresses: an empty range_end is the single key, "\0" is every
 * key >= key, and otherwise the half-open [key, range_end), empty when range_end <= key.
 */
record KeyRange(byte[] key, byte[] end, Kind kind) {
    enum Kind { SINGLE, FROM_KEY, BOUNDED }

    static KeyRange of(ByteString key, ByteString rangeEnd) {
        return of(key.toByteArray(), rangeEnd.toByteArray());
    }

    static KeyRange of(byte[] key, byte[] rangeEnd) {
        if (rangeEnd.length == 0) {
            return new KeyRange(key, rangeEnd, Kind.SINGLE);
        }
        if (rangeEnd.length == 1 && rangeEnd[0] == 0) {
            return new KeyRange(key, rangeEnd, Kind.FROM_KEY);
        }
        return new KeyRange(key, rangeEnd, Kind.BOUNDED);
    }

    boolean contains(byte[] candidate) {
        return switch (kind) {
            case SINGLE -> Arrays.equals(candidate, key);
            case FROM_KEY -> Arrays.compareUnsigned(candidate, key) >= 0;
            case BOUNDED -> Arrays.compareUnsigned(candidate, key) >= 0 && Arrays.compareUnsigned(candidate, end) < 0;
        };
    }

    /** True once {@code candidate} (visited in ascending order from key) is past the range. */
    boolean isPast(byte[] candidate) {
        return switch (kind) {
            case SINGLE -> Arrays.compareUnsigned(candidate, key) > 0;
            case FROM_KEY -> false;
            case BOUNDED -> Arrays.compareUnsigned(candidate, end) >= 0;
        };
    }

    boolean isEmpty() {
        return kind == Kind.BOUNDED && Arrays.compareUnsigned(end, key) <= 0;
    }
}
