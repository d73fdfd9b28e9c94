package io.raftkv.storage.log;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the crash test's child writes, and what the parent expects to find. Every entry's data is
 * a function of its (index, term), every snapshot's of its (index, term), so the parent needs
 * only the operations (one line each on the child's stdout) to know the whole expected state.
 *
 * <p>Operations, as printed: {@code APPEND from to term}, {@code HARD term vote commit},
 * {@code SAVE from to term vote commit} (entries and hard state in one write; the hard state's
 * term is {@code term}), {@code COMPACT index term}, {@code INSTALL index term}.
 */
final class CrashWorkload {
    static final ConfState MEMBERS = new ConfState(Set.of(1L, 2L, 3L), Set.of());

    private CrashWorkload() {}

    static byte[] payload(long index, long term) {
        byte[] data = new byte[(int) ((index * 37 + term * 11) % 300)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (index * 131 + term * 7 + i);
        }
        return data;
    }

    static List<Entry> run(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.normal(term, i, payload(i, term)));
        }
        return out;
    }

    static Snapshot snapshot(long index, long term) {
        return new Snapshot(new SnapshotMetadata(index, term, MEMBERS),
                ("state machine at " + index + "@" + term).getBytes(StandardCharsets.UTF_8));
    }

    /** Performs one printed operation on a store (the child's side). */
    static void perform(RocksRaftLogStorage log, String op) {
        String[] f = op.split(" ");
        switch (f[0]) {
            case "APPEND" -> log.append(run(n(f[1]), n(f[2]), n(f[3])));
            case "HARD" -> log.setHardState(new HardState(n(f[1]), n(f[2]), n(f[3])));
            case "SAVE" -> log.save(new HardState(n(f[3]), n(f[4]), n(f[5])), run(n(f[1]), n(f[2]), n(f[3])));
            case "COMPACT" -> log.compact(snapshot(n(f[1]), n(f[2])));
            case "INSTALL" -> log.applySnapshot(snapshot(n(f[1]), n(f[2])));
            default -> throw new IllegalArgumentException("unknown operation " + op);
        }
    }

    private static long n(String field) {
        return Long.parseLong(field);
    }

    /** The expected state of the store: a snapshot, the terms of the entries after it, a hard state. */
    static final class Model {
        long snapshotIndex;
        long snapshotTerm;
        final List<Long> terms = new ArrayList<>();
        HardState hardState = HardState.EMPTY;

        Model copy() {
            Model m = new Model();
            m.snapshotIndex = snapshotIndex;
            m.snapshotTerm = snapshotTerm;
            m.terms.addAll(terms);
            m.hardState = hardState;
            return m;
        }

        long first() {
            return snapshotIndex + 1;
        }

        long last() {
            return snapshotIndex + terms.size();
        }

        long term(long index) {
            return index == snapshotIndex ? snapshotTerm : terms.get((int) (index - first()));
        }

        /** The model after one printed operation (the parent's side). */
        Model after(String op) {
            Model m = copy();
            String[] f = op.split(" ");
            switch (f[0]) {
                case "APPEND" -> m.append(n(f[1]), n(f[2]), n(f[3]));
                case "HARD" -> m.hardState = new HardState(n(f[1]), n(f[2]), n(f[3]));
                case "SAVE" -> {
                    m.append(n(f[1]), n(f[2]), n(f[3]));
                    m.hardState = new HardState(n(f[3]), n(f[4]), n(f[5]));
                }
                case "COMPACT" -> {
                    long index = n(f[1]);
                    m.terms.subList(0, (int) (index - m.snapshotIndex)).clear();
                    m.snapshotIndex = index;
                    m.snapshotTerm = n(f[2]);
                }
                case "INSTALL" -> {
                    m.terms.clear();
                    m.snapshotIndex = n(f[1]);
                    m.snapshotTerm = n(f[2]);
                }
                default -> throw new IllegalArgumentException("unknown operation " + op);
            }
            return m;
        }

        private void append(long from, long to, long term) {
            terms.subList((int) (from - first()), terms.size()).clear();
            for (long i = from; i <= to; i++) {
                terms.add(term);
            }
        }

        /** Where {@code log} differs from this model, if anywhere. */
        Optional<String> difference(RocksRaftLogStorage log) {
            if (log.firstIndex() != first() || log.lastIndex() != last()) {
                return Optional.of("log spans [" + log.firstIndex() + ", " + log.lastIndex()
                        + "], expected [" + first() + ", " + last() + "]");
            }
            if (!log.initialState().hardState().equals(hardState)) {
                return Optional.of("hard state " + log.initialState().hardState() + ", expected " + hardState);
            }
            if (!log.snapshot().equals(snapshot(snapshotIndex, snapshotTerm)) && !(snapshotIndex == 0 && log.snapshot().index() == 0)) {
                return Optional.of("snapshot at " + log.snapshot().index() + "@" + log.snapshot().term()
                        + ", expected " + snapshotIndex + "@" + snapshotTerm);
            }
            for (long i = first() - 1; i <= last(); i++) {
                if (log.term(i) != term(i)) {
                    return Optional.of("term(" + i + ") = " + log.term(i) + ", expected " + term(i));
                }
            }
            List<Entry> entries = log.entries(first(), last() + 1, Long.MAX_VALUE);
            List<Entry> expected = new ArrayList<>();
            for (long i = first(); i <= last(); i++) {
                expected.add(Entry.normal(term(i), i, payload(i, term(i))));
            }
            if (!entries.equals(expected)) {
                return Optional.of("entries differ in content");
            }
            return Optional.empty();
        }

        /** The model of what a store holds now (taken after it has been checked against a model). */
        static Model of(RocksRaftLogStorage log) {
            Model m = new Model();
            m.snapshotIndex = log.firstIndex() - 1;
            m.snapshotTerm = log.term(m.snapshotIndex);
            for (long i = log.firstIndex(); i <= log.lastIndex(); i++) {
                m.terms.add(log.term(i));
            }
            m.hardState = log.initialState().hardState();
            return m;
        }
    }
}
