package io.raftkv.raft.storage;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RaftLogStorage} held in memory, for tests and the deterministic simulator.
 *
 * <p>Everything written to it counts as "durable". A simulator models a crash by keeping a
 * {@link #copy()} taken after each persist step and restarting a node from that copy: whatever
 * the node had not yet handed to this storage is lost. Entries, snapshots and hard states are
 * immutable values, so a copy shares them safely.
 *
 * <p>Methods are synchronized so a driver may write from its log-writer thread while the core's
 * thread reads; the simulator uses one thread anyway.
 */
public final class MemoryRaftLogStorage implements RaftLogStorage {

    /** {@code log.get(0)} is a dummy entry at the snapshot's (index, term); real entries follow. */
    private final ArrayList<Entry> log;
    private HardState hardState;
    private Snapshot snapshot;

    public MemoryRaftLogStorage() {
        this.log = new ArrayList<>();
        this.log.add(dummy(0, 0));
        this.hardState = HardState.EMPTY;
        this.snapshot = new Snapshot(new SnapshotMetadata(0, 0, ConfState.EMPTY), new byte[0]);
    }

    private MemoryRaftLogStorage(MemoryRaftLogStorage other) {
        this.log = new ArrayList<>(other.log);
        this.hardState = other.hardState;
        this.snapshot = other.snapshot;
    }

    /** An independent copy of everything persisted so far (what survives a crash at this instant). */
    public synchronized MemoryRaftLogStorage copy() {
        return new MemoryRaftLogStorage(this);
    }

    private static Entry dummy(long index, long term) {
        return new Entry(term, index, Entry.Type.NORMAL, new byte[0]);
    }

    private long offset() {
        return log.get(0).index();
    }

    @Override
    public synchronized InitialState initialState() {
        return new InitialState(hardState, snapshot.metadata().confState());
    }

    public synchronized HardState hardState() {
        return hardState;
    }

    @Override
    public synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo > hi) {
            throw new IllegalArgumentException("invalid range [" + lo + ", " + hi + ")");
        }
        if (lo < firstIndexLocked()) {
            throw new LogCompactedException(lo, firstIndexLocked());
        }
        if (hi > lastIndexLocked() + 1) {
            throw new IndexOutOfBoundsException(
                    "entries [" + lo + ", " + hi + ") beyond last index " + lastIndexLocked());
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = log.get((int) (i - offset()));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized long term(long index) {
        long offset = offset();
        if (index < offset) {
            throw new LogCompactedException(index, firstIndexLocked());
        }
        if (index > lastIndexLocked()) {
            throw new IndexOutOfBoundsException("index " + index + " beyond last index " + lastIndexLocked());
        }
        return log.get((int) (index - offset)).term();
    }

    @Override
    public synchronized long firstIndex() {
        return firstIndexLocked();
    }

    @Override
    public synchronized long lastIndex() {
        return lastIndexLocked();
    }

    private long firstIndexLocked() {
        return offset() + 1;
    }

    private long lastIndexLocked() {
        return offset() + log.size() - 1;
    }

    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public synchronized void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries are not contiguous: " + entries);
            }
        }
        long first = firstIndexLocked();
        long last = entries.get(entries.size() - 1).index();
        if (last < first) {
            return; // everything is already compacted into the snapshot
        }
        // Entries at or below the snapshot are already covered by it: skip them.
        List<Entry> tail = entries.get(0).index() < first
                ? entries.subList((int) (first - entries.get(0).index()), entries.size())
                : entries;
        long start = tail.get(0).index();
        if (start > lastIndexLocked() + 1) {
            throw new IllegalArgumentException(
                    "gap: appending at " + start + " after last index " + lastIndexLocked());
        }
        // A conflict: drop the existing suffix from `start` before appending.
        int keep = (int) (start - offset());
        while (log.size() > keep) {
            log.remove(log.size() - 1);
        }
        log.addAll(tail);
    }

    @Override
    public synchronized void setHardState(HardState hardState) {
        this.hardState = hardState;
    }

    /** In memory there is nothing to fsync: {@code sync} changes nothing. */
    @Override
    public synchronized void save(HardState hardState, List<Entry> entries, boolean sync) {
        append(entries);
        setHardState(hardState);
    }

    @Override
    public synchronized void applySnapshot(Snapshot snapshot) {
        if (snapshot.index() < this.snapshot.index()) {
            throw new IllegalArgumentException("snapshot at " + snapshot.index()
                    + " is older than the current one at " + this.snapshot.index());
        }
        this.snapshot = snapshot;
        log.clear();
        log.add(dummy(snapshot.index(), snapshot.term()));
    }

    @Override
    public synchronized void compact(Snapshot snapshot) {
        long index = snapshot.index();
        if (index <= offset()) {
            return; // already compacted at least this far
        }
        if (index > lastIndexLocked()) {
            throw new IllegalArgumentException(
                    "cannot compact to " + index + " beyond last index " + lastIndexLocked());
        }
        long term = log.get((int) (index - offset())).term();
        if (term != snapshot.term()) {
            throw new IllegalArgumentException("snapshot term " + snapshot.term() + " at index " + index
                    + " differs from the log's term " + term);
        }
        List<Entry> rest = new ArrayList<>(log.subList((int) (index - offset()) + 1, log.size()));
        log.clear();
        log.add(dummy(index, term));
        log.addAll(rest);
        this.snapshot = snapshot;
    }

    @Override
    public synchronized String toString() {
        return "MemoryRaftLogStorage{first=" + firstIndexLocked() + ", last=" + lastIndexLocked()
                + ", hardState=" + hardState + ", snapshot=" + snapshot.index() + "@" + snapshot.term() + "}";
    }
}
