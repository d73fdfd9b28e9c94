package io.raftkv.raft.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log. {@code data} is opaque to the core except for
 * {@link Type#CONF_CHANGE} entries, whose data is an encoded {@link ConfChange}.
 */
public record Entry(long term, long index, Type type, byte[] data) {

    public enum Type {
        /** A client command for the state machine; empty data is the leader's no-op barrier. */
        NORMAL,
        /** A membership change, encoded with {@link ConfChange#encode()}. */
        CONF_CHANGE
    }

    public Entry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    public static Entry normal(long term, long index, byte[] data) {
        return new Entry(term, index, Type.NORMAL, data);
    }

    /** Bytes this entry counts for in-flight, uncommitted and message size limits. */
    public long sizeBytes() {
        return data.length + 24L;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e
                && term == e.term && index == e.index && type == e.type && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(term, index, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + type + " " + data.length + "B}";
    }
}
