package io.raftkv.raft.core.log;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.storage.LogCompactedException;
import io.raftkv.raft.storage.RaftLogStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One node's view of the Raft log: what storage holds durably, followed by the
 * {@link UnstableLog} tail the driver has not persisted yet, plus the commit and applied
 * indexes. Modelled on etcd's {@code log.go}.
 */
public final class RaftLog {

    /** Where a conflict search landed: the index and the term found there (0 if unknown). */
    public record IndexTerm(long index, long term) {}

    private final RaftLogStorage storage;
    private final UnstableLog unstable;
    private long committed;
    private long applied;

    public RaftLog(RaftLogStorage storage) {
        this.storage = storage;
        long first = storage.firstIndex();
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        this.committed = first - 1;
        this.applied = first - 1;
    }

    public long committed() {
        return committed;
    }

    public long applied() {
        return applied;
    }

    public long firstIndex() {
        OptionalLong i = unstable.maybeFirstIndex();
        return i.isPresent() ? i.getAsLong() : storage.firstIndex();
    }

    public long lastIndex() {
        OptionalLong i = unstable.maybeLastIndex();
        return i.isPresent() ? i.getAsLong() : storage.lastIndex();
    }

    /** The last index known durable: everything before the unstable tail. */
    public long stableLastIndex() {
        if (unstable.snapshot().isPresent()) {
            return 0;
        }
        return Math.min(lastIndex(), unstable.offset() - 1);
    }

    public long lastTerm() {
        return term(lastIndex());
    }

    /**
     * The term at {@code index}, for firstIndex()-1 &lt;= index &lt;= lastIndex(); 0 beyond the last index.
     *
     * @throws LogCompactedException if the entry was compacted away
     */
    public long term(long index) {
        OptionalLong t = unstable.maybeTerm(index);
        if (t.isPresent()) {
            return t.getAsLong();
        }
        if (index + 1 < firstIndex()) {
            throw new LogCompactedException(index, firstIndex());
        }
        if (index > lastIndex()) {
            return 0;
        }
        return storage.term(index);
    }

    /** The term at {@code index}, or 0 when it is compacted or beyond the log. */
    public long termOrZero(long index) {
        try {
            return term(index);
        } catch (LogCompactedException e) {
            return 0;
        }
    }

    public boolean matchTerm(long index, long term) {
        if (index > lastIndex()) {
            return false;
        }
        try {
            return term(index) == term;
        } catch (LogCompactedException e) {
            return false;
        }
    }

    /** Raft §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
    public boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * A follower's AppendEntries: if our entry at {@code prevIndex} has {@code prevTerm}, append
     * {@code entries} (truncating a conflicting suffix) and advance the commit index.
     *
     * @param skipPrevTermCheck test-only broken variant: accept any prevIndex we hold
     * @return the last index now known to match the leader's log, or empty when rejected
     */
    public OptionalLong maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> entries,
                                    boolean skipPrevTermCheck) {
        boolean matches = skipPrevTermCheck ? prevIndex <= lastIndex() : matchTerm(prevIndex, prevTerm);
        if (!matches) {
            return OptionalLong.empty();
        }
        long lastNew = prevIndex + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                if (!skipPrevTermCheck) {
                    throw new IllegalStateException("entry " + conflict + " conflicts with committed entries (commit "
                            + committed + ")");
                }
                // The broken variant has already let logs diverge; keep going (silently) past our
                // committed prefix so the simulator sees the divergence rather than this exception.
                conflict = committed + 1;
            }
            if (conflict <= lastNew) {
                append(entries.subList((int) (conflict - (prevIndex + 1)), entries.size()));
            }
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return OptionalLong.of(lastNew);
    }

    /** The first of {@code entries} whose term differs from ours (or that we lack); 0 if none. */
    long findConflict(List<Entry> entries) {
        for (Entry e : entries) {
            if (!matchTerm(e.index(), e.term())) {
                return e.index();
            }
        }
        return 0;
    }

    /**
     * The largest index &lt;= {@code index} whose term is &lt;= {@code term}: where a log that holds
     * {@code term} at {@code index} can at best match ours. Used for fast conflict backoff.
     */
    public IndexTerm findConflictByTerm(long index, long term) {
        if (index > lastIndex()) {
            return new IndexTerm(index, 0);
        }
        for (; index > 0; index--) {
            long ourTerm;
            try {
                ourTerm = term(index);
            } catch (LogCompactedException e) {
                return new IndexTerm(index, 0);
            }
            if (ourTerm <= term) {
                return new IndexTerm(index, ourTerm);
            }
        }
        return new IndexTerm(0, 0);
    }

    /** Appends to the unstable tail, truncating any suffix from the first new index. */
    public long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.get(0).index() - 1;
        if (after < committed) {
            throw new IllegalStateException("append after " + after + " is below commit " + committed);
        }
        if (after > lastIndex()) {
            throw new IllegalStateException("append after " + after + " leaves a gap after " + lastIndex());
        }
        unstable.truncateAndAppend(entries);
        return lastIndex();
    }

    /**
     * Entries in [lo, hi), at most {@code maxBytes} of them (but at least one).
     *
     * @throws LogCompactedException if lo was compacted away
     */
    public List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo < firstIndex()) {
            throw new LogCompactedException(lo, firstIndex());
        }
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IllegalArgumentException("slice [" + lo + ", " + hi + ") out of bounds, last " + lastIndex());
        }
        if (lo == hi) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        if (lo < unstable.offset()) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, unstable.offset()), maxBytes);
            out.addAll(stored);
            for (Entry e : stored) {
                bytes += e.sizeBytes();
            }
            if (stored.size() < Math.min(hi, unstable.offset()) - lo) {
                return out; // storage stopped at the byte limit
            }
        }
        if (hi > unstable.offset()) {
            for (Entry e : unstable.slice(Math.max(lo, unstable.offset()), hi)) {
                bytes += e.sizeBytes();
                if (!out.isEmpty() && bytes > maxBytes) {
                    break;
                }
                out.add(e);
            }
        }
        return out;
    }

    /** Entries from {@code from} to the end, at most {@code maxBytes} (but at least one). */
    public List<Entry> entriesFrom(long from, long maxBytes) {
        if (from > lastIndex()) {
            return List.of();
        }
        return slice(from, lastIndex() + 1, maxBytes);
    }

    public List<Entry> unstableEntries() {
        return unstable.entries();
    }

    public boolean hasUnstableEntries() {
        return unstable.hasEntries();
    }

    public Optional<Snapshot> unstableSnapshot() {
        return unstable.snapshot();
    }

    public boolean hasPendingSnapshot() {
        return unstable.snapshot().isPresent();
    }

    /** The latest snapshot: a received one not yet persisted, else storage's. */
    public Snapshot snapshot() {
        return unstable.snapshot().orElseGet(storage::snapshot);
    }

    public boolean hasNextCommittedEntries() {
        if (hasPendingSnapshot()) {
            return false;
        }
        return committed > Math.max(applied, firstIndex() - 1);
    }

    /** Committed entries not yet applied, at most {@code maxBytes} (but at least one). */
    public List<Entry> nextCommittedEntries(long maxBytes) {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        long lo = Math.max(applied + 1, firstIndex());
        return slice(lo, committed + 1, maxBytes);
    }

    public void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Leader: commit {@code index} if it holds an entry of {@code term} (Raft §5.4.2). */
    public boolean maybeCommit(long index, long term) {
        if (index > committed && termOrZero(index) == term) {
            commitTo(index);
            return true;
        }
        return false;
    }

    public void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        if (index > committed || index < applied) {
            throw new IllegalStateException("applied " + index + " outside [" + applied + ", " + committed + "]");
        }
        applied = index;
    }

    public void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    public void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    /** Replaces the log with a received snapshot (persisted by the driver from the next Ready). */
    public void restore(Snapshot snapshot) {
        committed = snapshot.index();
        unstable.restore(snapshot);
    }

    /** On restart: what the state machine had applied, and the persisted commit index. */
    public void initialize(long commit, long appliedIndex) {
        if (commit > lastIndex()) {
            throw new IllegalStateException("persisted commit " + commit + " beyond last index " + lastIndex());
        }
        committed = Math.max(committed, commit);
        if (appliedIndex > committed) {
            if (appliedIndex > lastIndex()) {
                throw new IllegalStateException("applied " + appliedIndex + " beyond last index " + lastIndex());
            }
            committed = appliedIndex;
        }
        applied = Math.max(applied, appliedIndex);
    }

    @Override
    public String toString() {
        return "RaftLog{first=" + firstIndex() + ", last=" + lastIndex() + ", committed=" + committed
                + ", applied=" + applied + ", unstableOffset=" + unstable.offset() + "}";
    }
}
