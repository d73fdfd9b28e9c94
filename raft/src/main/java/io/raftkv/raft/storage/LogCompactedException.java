package io.raftkv.raft.storage;

/** The requested index was compacted into a snapshot; the caller must use the snapshot instead. */
public final class LogCompactedException extends RuntimeException {
    private final long index;
    private final long firstIndex;

    public LogCompactedException(long index, long firstIndex) {
        super("log index " + index + " is compacted (first index is " + firstIndex + ")");
        this.index = index;
        this.firstIndex = firstIndex;
    }

    public long index() {
        return index;
    }

    public long firstIndex() {
        return firstIndex;
    }
}
