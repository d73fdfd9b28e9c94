package io.raftkv.raft.core.progress;

import java.util.ArrayDeque;

/**
 * Appends sent to one follower and not yet acknowledged, limited both in number and in entry
 * bytes, so a slow follower cannot make the leader buffer without bound (etcd's inflights.go).
 */
public final class Inflights {
    private record Inflight(long lastIndex, long bytes) {}

    private final int maxCount;
    private final long maxBytes;
    private final ArrayDeque<Inflight> queue = new ArrayDeque<>();
    private long bytes;

    /** @param maxBytes 0 for no byte limit */
    public Inflights(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** Records an append whose last entry is {@code lastIndex}. */
    public void add(long lastIndex, long entryBytes) {
        queue.addLast(new Inflight(lastIndex, entryBytes));
        bytes += entryBytes;
    }

    /** The follower acknowledged up to {@code index}: every append ending there or before is done. */
    public void freeLE(long index) {
        while (!queue.isEmpty() && queue.peekFirst().lastIndex() <= index) {
            bytes -= queue.pollFirst().bytes();
        }
    }

    /** Frees one slot (a heartbeat answer shows the follower alive while the window is full). */
    public void freeFirstOne() {
        if (!queue.isEmpty()) {
            bytes -= queue.pollFirst().bytes();
        }
    }

    public boolean full() {
        return queue.size() >= maxCount || (maxBytes > 0 && bytes >= maxBytes);
    }

    public int count() {
        return queue.size();
    }

    public long bytes() {
        return bytes;
    }

    public void reset() {
        queue.clear();
        bytes = 0;
    }
}
