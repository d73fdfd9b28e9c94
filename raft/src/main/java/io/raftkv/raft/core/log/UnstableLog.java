package io.raftkv.raft.core.log;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The tail of the log not yet handed to storage: an incoming snapshot and/or entries from
 * {@link #offset()} on. Entries leave it once the driver confirms they are durable
 * ({@link #stableTo(long, long)}).
 */
final class UnstableLog {
    private Snapshot snapshot; // null when none is pending
    private List<Entry> entries = new ArrayList<>();
    private long offset;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    Optional<Snapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    boolean hasEntries() {
        return !entries.isEmpty();
    }

    OptionalLong maybeFirstIndex() {
        return snapshot == null ? OptionalLong.empty() : OptionalLong.of(snapshot.index() + 1);
    }

    OptionalLong maybeLastIndex() {
        if (!entries.isEmpty()) {
            return OptionalLong.of(offset + entries.size() - 1);
        }
        return snapshot == null ? OptionalLong.empty() : OptionalLong.of(snapshot.index());
    }

    OptionalLong maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.index() == index) {
                return OptionalLong.of(snapshot.term());
            }
            return OptionalLong.empty();
        }
        OptionalLong last = maybeLastIndex();
        if (last.isEmpty() || index > last.getAsLong()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(entries.get((int) (index - offset)).term());
    }

    /** Entries up to (index, term) are durable; a mismatch means they were replaced meanwhile. */
    void stableTo(long index, long term) {
        OptionalLong t = maybeTerm(index);
        if (t.isEmpty() || t.getAsLong() != term || index < offset) {
            return;
        }
        entries = new ArrayList<>(entries.subList((int) (index + 1 - offset), entries.size()));
        offset = index + 1;
    }

    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.index() == index) {
            snapshot = null;
        }
    }

    void restore(Snapshot snap) {
        offset = snap.index() + 1;
        entries = new ArrayList<>();
        snapshot = snap;
    }

    void truncateAndAppend(List<Entry> ents) {
        long from = ents.get(0).index();
        if (from == offset + entries.size()) {
            entries.addAll(ents);
        } else if (from <= offset) {
            // Replaces the whole unstable tail (and, once persisted, the storage suffix from `from`).
            offset = from;
            entries = new ArrayList<>(ents);
        } else {
            List<Entry> kept = new ArrayList<>(entries.subList(0, (int) (from - offset)));
            kept.addAll(ents);
            entries = kept;
        }
    }

    List<Entry> slice(long lo, long hi) {
        if (lo > hi || lo < offset || hi > offset + entries.size()) {
            throw new IllegalArgumentException("unstable slice [" + lo + ", " + hi + ") out of [" + offset
                    + ", " + (offset + entries.size()) + ")");
        }
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
