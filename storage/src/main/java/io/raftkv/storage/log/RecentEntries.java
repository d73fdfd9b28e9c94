package io.raftkv.storage.log;

import io.raftkv.raft.core.Entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The newest entries of the log, kept in memory: followers' appends and the leader's replication
 * read the tail of the log far more than anything else. The cache is always a contiguous run of
 * entries that ends at the log's last index (or is empty); it only ever holds entries that were
 * written durably. Bounded by entry count and bytes; the oldest are dropped first.
 *
 * <p>Not thread-safe; the store guards it with its state lock.
 */
final class RecentEntries {
    private final int maxEntries;
    private final long maxBytes;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long bytes;

    RecentEntries(int maxEntries, long maxBytes) {
        if (maxEntries < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("negative cache bounds");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * Records a durable append (entries contiguous, the first at most one past the last cached
     * index) that made {@code entries} the log's new tail, truncating any cached suffix it replaced.
     */
    void appended(List<Entry> appended) {
        if (appended.isEmpty()) {
            return;
        }
        long first = appended.get(0).index();
        if (!entries.isEmpty()) {
            long cachedFirst = entries.get(0).index();
            long cachedLast = lastIndex();
            if (first <= cachedFirst || first > cachedLast + 1) {
                clear();
            } else {
                dropFrom(first);
            }
        }
        for (Entry e : appended) {
            entries.add(e);
            bytes += e.sizeBytes();
        }
        evictOldest();
    }

    /** Drops cached entries at or below {@code index} (they were compacted). */
    void compacted(long index) {
        int drop = 0;
        while (drop < entries.size() && entries.get(drop).index() <= index) {
            bytes -= entries.get(drop).sizeBytes();
            drop++;
        }
        entries.subList(0, drop).clear();
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }

    /** The first cached index, if any entry is cached. */
    Optional<Long> firstIndex() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0).index());
    }

    /** Whether every index from {@code index} to the end of the log is cached. */
    boolean coversFrom(long index) {
        return !entries.isEmpty() && index >= entries.get(0).index() && index <= lastIndex();
    }

    /** The cached entry at {@code index}; call only when {@link #coversFrom(long)} holds. */
    Entry get(long index) {
        return entries.get((int) (index - entries.get(0).index()));
    }

    int size() {
        return entries.size();
    }

    long bytes() {
        return bytes;
    }

    private long lastIndex() {
        return entries.get(entries.size() - 1).index();
    }

    private void dropFrom(long index) {
        int from = (int) (index - entries.get(0).index());
        for (int i = from; i < entries.size(); i++) {
            bytes -= entries.get(i).sizeBytes();
        }
        entries.subList(from, entries.size()).clear();
    }

    private void evictOldest() {
        int drop = 0;
        while (drop < entries.size() && (entries.size() - drop > maxEntries || bytes > maxBytes)) {
            bytes -= entries.get(drop).sizeBytes();
            drop++;
        }
        entries.subList(0, drop).clear();
    }
}
