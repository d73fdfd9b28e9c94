package io.raftkv.raft.storage;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;

import java.util.List;

/**
 * The durable Raft log, hard state and latest snapshot of one node. The core reads it; the
 * driver writes it (the core never writes: what to write comes out in a {@code Ready}).
 *
 * <p>Indexes: {@link #firstIndex()} is the first entry still held; entries below it were
 * compacted into the snapshot at {@code firstIndex() - 1}, whose term {@link #term(long)} still
 * answers. An empty log that starts at a snapshot has {@code lastIndex() == firstIndex() - 1}.
 *
 * <p>Implementations: {@link MemoryRaftLogStorage} (tests and the simulator) and the RocksDB
 * one in storage/. Both pass the same conformance suite.
 */
public interface RaftLogStorage {

    InitialState initialState();

    /**
     * Entries in [lo, hi), stopping early once {@code maxBytes} would be exceeded (but always at
     * least one entry if the range is non-empty).
     *
     * @throws LogCompactedException   if lo &lt; firstIndex()
     * @throws IndexOutOfBoundsException if hi &gt; lastIndex() + 1
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * The term of the entry at {@code index}, for firstIndex()-1 &lt;= index &lt;= lastIndex().
     *
     * @throws LogCompactedException   if index &lt; firstIndex() - 1
     * @throws IndexOutOfBoundsException if index &gt; lastIndex()
     */
    long term(long index);

    long firstIndex();

    long lastIndex();

    /** The latest snapshot (index 0, empty data when none exists yet). */
    Snapshot snapshot();

    // ---- write side, used by the driver ----

    /**
     * Appends entries durably (one fsync for the batch). If the first new entry's index is at or
     * below lastIndex(), the existing suffix from there is truncated first (a log conflict).
     */
    void append(List<Entry> entries);

    /** Persists term, vote and commit atomically and durably. */
    void setHardState(HardState hardState);

    /**
     * Persists one {@code Ready}'s entries (as {@link #append}) and the node's current hard state
     * in one atomic write. With {@code sync} it is durable on return (one fsync). Without, it is
     * visible at once and a crash may lose it, whole, never in part, even after later writes
     * were synced. Raft needs {@code sync} only when entries, term or vote change: a write that
     * only moves the commit index may be lost, since commit is re-learnt from the leader.
     */
    void save(HardState hardState, List<Entry> entries, boolean sync);

    /** Replaces the whole log with a received snapshot: afterwards firstIndex() == snapshot index + 1. */
    void applySnapshot(Snapshot snapshot);

    /**
     * Records {@code snapshot} (taken by the local state machine) as the latest snapshot and
     * discards entries up to its index.
     */
    void compact(Snapshot snapshot);
}
