package io.raftkv.raft.storage;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link RaftLogStorage}, run against every implementation: subclass it, say how
 * to create an empty store and how to restart one. For a durable store, {@link #reopen} closes it
 * and opens it again from disk; every check marked "durably" then runs both before and after.
 */
public abstract class RaftLogStorageConformanceTest {

    /** A new, empty store. */
    protected abstract RaftLogStorage create();

    /**
     * What a restart of the node finds: a store over everything {@code storage} persisted. A
     * durable store is closed and reopened from disk; an in-memory one returns a copy.
     */
    protected abstract RaftLogStorage reopen(RaftLogStorage storage);

    /** Releases a store at the end of a test. */
    protected void release(RaftLogStorage storage) {}

    private static final ConfState THREE_VOTERS = new ConfState(Set.of(1L, 2L, 3L), Set.of(4L));

    protected RaftLogStorage storage;

    @BeforeEach
    void createStorage() {
        storage = create();
    }

    @AfterEach
    void releaseStorage() {
        release(storage);
    }

    /** Runs {@code checks} now, and again on the store a restart finds. */
    protected void durably(Consumer<RaftLogStorage> checks) {
        checks.accept(storage);
        storage = reopen(storage);
        checks.accept(storage);
    }

    // ---- the empty log ----

    @Test
    void anEmptyLogStartsAtIndexOneWithTermZeroBeforeIt() {
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(1);
            assertThat(s.lastIndex()).isEqualTo(0);
            assertThat(s.term(0)).isEqualTo(0);
            assertThat(s.entries(1, 1, Long.MAX_VALUE)).isEmpty();
        });
    }

    @Test
    void anEmptyLogHasNoSnapshotAndAnEmptyInitialState() {
        durably(s -> {
            Snapshot snapshot = s.snapshot();
            assertThat(snapshot.metadata()).isEqualTo(new SnapshotMetadata(0, 0, ConfState.EMPTY));
            assertThat(snapshot.data()).isEmpty();
            assertThat(s.initialState()).isEqualTo(new InitialState(HardState.EMPTY, ConfState.EMPTY));
        });
    }

    @Test
    void anEmptyLogRejectsReadsBeyondItsEnd() {
        assertThatThrownBy(() -> storage.term(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.entries(1, 2, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---- append ----

    @Test
    void appendedEntriesAreReadBackExactly() {
        List<Entry> written = List.of(
                entry(1, 1),
                new Entry(1, 2, Entry.Type.CONF_CHANGE, new byte[] {1, 2, 3}),
                new Entry(1, 3, Entry.Type.NORMAL, new byte[0]),
                entry(4, 2));
        storage.append(written);
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(1);
            assertThat(s.lastIndex()).isEqualTo(4);
            assertThat(s.entries(1, 5, Long.MAX_VALUE)).containsExactlyElementsOf(written);
            assertThat(s.entries(2, 4, Long.MAX_VALUE)).containsExactlyElementsOf(written.subList(1, 3));
            assertThat(s.term(0)).isEqualTo(0);
            assertThat(s.term(3)).isEqualTo(1);
            assertThat(s.term(4)).isEqualTo(2);
        });
    }

    @Test
    void appendsInSeveralBatchesFormOneLog() {
        storage.append(run(1, 3, 1));
        storage.append(run(4, 4, 1));
        storage.append(run(5, 9, 2));
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(9);
            assertThat(s.entries(1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(concat(run(1, 4, 1), run(5, 9, 2)));
        });
    }

    @Test
    void anEmptyAppendChangesNothing() {
        storage.append(run(1, 2, 1));
        storage.append(List.of());
        durably(s -> assertThat(s.entries(1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(run(1, 2, 1)));
    }

    @Test
    void anAppendLeavingAGapIsRejectedAndChangesNothing() {
        storage.append(run(1, 2, 1));
        assertThatThrownBy(() -> storage.append(run(4, 5, 1))).isInstanceOf(IllegalArgumentException.class);
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(2);
            assertThat(s.entries(1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(run(1, 2, 1));
        });
    }

    @Test
    void anAppendOfNonContiguousEntriesIsRejectedAndChangesNothing() {
        storage.append(run(1, 2, 1));
        assertThatThrownBy(() -> storage.append(List.of(entry(3, 1), entry(5, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        durably(s -> assertThat(s.lastIndex()).isEqualTo(2));
    }

    @Test
    void aConflictingAppendReplacesTheSuffixFromItsFirstIndex() {
        storage.append(run(1, 6, 1));
        storage.append(run(3, 4, 2));
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(4);
            assertThat(s.entries(1, 5, Long.MAX_VALUE)).containsExactlyElementsOf(concat(run(1, 2, 1), run(3, 4, 2)));
            assertThat(s.term(4)).isEqualTo(2);
            assertThatThrownBy(() -> s.term(5)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> s.entries(1, 6, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        });
    }

    @Test
    void aConflictingAppendLongerThanTheSuffixExtendsTheLog() {
        storage.append(run(1, 4, 1));
        storage.append(run(3, 8, 3));
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(8);
            assertThat(s.entries(1, 9, Long.MAX_VALUE)).containsExactlyElementsOf(concat(run(1, 2, 1), run(3, 8, 3)));
        });
    }

    @Test
    void aConflictAtTheFirstIndexReplacesEveryEntry() {
        storage.append(run(1, 5, 1));
        storage.append(run(1, 2, 2));
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(2);
            assertThat(s.entries(1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(run(1, 2, 2));
        });
    }

    @Test
    void aConflictRightAfterTheSnapshotReplacesEveryRemainingEntry() {
        storage.append(run(1, 8, 1));
        storage.compact(snapshot(4, 1, "s4"));
        storage.append(run(5, 6, 2));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(5);
            assertThat(s.lastIndex()).isEqualTo(6);
            assertThat(s.entries(5, 7, Long.MAX_VALUE)).containsExactlyElementsOf(run(5, 6, 2));
        });
    }

    @Test
    void anAppendOverlappingTheSnapshotSkipsTheCompactedEntries() {
        storage.append(run(1, 5, 1));
        storage.compact(snapshot(3, 1, "s3"));
        storage.append(run(2, 7, 1));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(4);
            assertThat(s.lastIndex()).isEqualTo(7);
            assertThat(s.entries(4, 8, Long.MAX_VALUE)).containsExactlyElementsOf(run(4, 7, 1));
        });
    }

    @Test
    void anAppendEntirelyBelowTheSnapshotIsIgnored() {
        storage.append(run(1, 5, 1));
        storage.compact(snapshot(4, 1, "s4"));
        storage.append(run(2, 3, 1));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(5);
            assertThat(s.lastIndex()).isEqualTo(5);
            assertThat(s.entries(5, 6, Long.MAX_VALUE)).containsExactly(entry(5, 1));
        });
    }

    // ---- entries(lo, hi, maxBytes) ----

    @Test
    void anEmptyRangeReadsNothing() {
        storage.append(run(1, 3, 1));
        assertThat(storage.entries(1, 1, Long.MAX_VALUE)).isEmpty();
        assertThat(storage.entries(2, 2, 0)).isEmpty();
        assertThat(storage.entries(4, 4, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void anInvertedRangeIsRejected() {
        storage.append(run(1, 3, 1));
        assertThatThrownBy(() -> storage.entries(3, 2, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entriesBelowTheFirstIndexAreReportedCompacted() {
        storage.append(run(1, 6, 1));
        storage.compact(snapshot(3, 1, "s3"));
        durably(s -> {
            assertThatThrownBy(() -> s.entries(3, 5, Long.MAX_VALUE))
                    .isInstanceOfSatisfying(LogCompactedException.class, e -> {
                        assertThat(e.index()).isEqualTo(3);
                        assertThat(e.firstIndex()).isEqualTo(4);
                    });
            assertThatThrownBy(() -> s.entries(1, 2, Long.MAX_VALUE)).isInstanceOf(LogCompactedException.class);
            assertThat(s.entries(4, 7, Long.MAX_VALUE)).containsExactlyElementsOf(run(4, 6, 1));
        });
    }

    @Test
    void entriesBeyondTheLastIndexAreOutOfBounds() {
        storage.append(run(1, 3, 1));
        assertThatThrownBy(() -> storage.entries(2, 5, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> storage.entries(4, 5, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aByteLimitStopsBeforeTheEntryThatWouldExceedIt() {
        List<Entry> written = new ArrayList<>();
        for (long i = 1; i <= 10; i++) {
            written.add(Entry.normal(1, i, new byte[100]));
        }
        storage.append(written);
        long size = written.get(0).sizeBytes();
        durably(s -> {
            assertThat(s.entries(1, 11, 3 * size)).containsExactlyElementsOf(written.subList(0, 3));
            assertThat(s.entries(1, 11, 3 * size - 1)).containsExactlyElementsOf(written.subList(0, 2));
            assertThat(s.entries(1, 11, 3 * size + 1)).containsExactlyElementsOf(written.subList(0, 3));
            assertThat(s.entries(4, 11, 2 * size)).containsExactlyElementsOf(written.subList(3, 5));
            assertThat(s.entries(1, 11, 100 * size)).containsExactlyElementsOf(written);
            assertThat(s.entries(1, 3, 100 * size)).containsExactlyElementsOf(written.subList(0, 2));
        });
    }

    @Test
    void aByteLimitAlwaysLetsOneEntryThrough() {
        storage.append(List.of(Entry.normal(1, 1, new byte[4096]), entry(2, 1)));
        durably(s -> {
            assertThat(s.entries(1, 3, 0)).containsExactly(Entry.normal(1, 1, new byte[4096]));
            assertThat(s.entries(1, 3, 10)).hasSize(1);
            assertThat(s.entries(2, 3, 0)).containsExactly(entry(2, 1));
        });
    }

    @Test
    void entriesWithDifferentSizesAreLimitedByTheirOwnSizes() {
        List<Entry> written = List.of(
                Entry.normal(1, 1, new byte[10]), Entry.normal(1, 2, new byte[500]), Entry.normal(1, 3, new byte[10]));
        storage.append(written);
        long firstTwo = written.get(0).sizeBytes() + written.get(1).sizeBytes();
        assertThat(storage.entries(1, 4, firstTwo)).containsExactlyElementsOf(written.subList(0, 2));
        assertThat(storage.entries(1, 4, firstTwo - 1)).containsExactlyElementsOf(written.subList(0, 1));
    }

    // ---- term(index) ----

    @Test
    void theTermJustBelowTheFirstIndexIsTheSnapshotsTerm() {
        storage.append(concat(run(1, 3, 1), run(4, 6, 2)));
        storage.compact(snapshot(4, 2, "s4"));
        durably(s -> {
            assertThat(s.term(4)).isEqualTo(2);
            assertThat(s.term(5)).isEqualTo(2);
            assertThatThrownBy(() -> s.term(3))
                    .isInstanceOfSatisfying(LogCompactedException.class, e -> {
                        assertThat(e.index()).isEqualTo(3);
                        assertThat(e.firstIndex()).isEqualTo(5);
                    });
            assertThatThrownBy(() -> s.term(7)).isInstanceOf(IndexOutOfBoundsException.class);
        });
    }

    // ---- compact(snapshot) ----

    @Test
    void compactionRecordsTheSnapshotAndKeepsLaterEntries() {
        storage.append(run(1, 10, 1));
        Snapshot snapshot = snapshot(6, 1, "state at 6");
        storage.compact(snapshot);
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(7);
            assertThat(s.lastIndex()).isEqualTo(10);
            assertThat(s.snapshot()).isEqualTo(snapshot);
            assertThat(s.initialState().confState()).isEqualTo(THREE_VOTERS);
            assertThat(s.entries(7, 11, Long.MAX_VALUE)).containsExactlyElementsOf(run(7, 10, 1));
        });
    }

    @Test
    void compactionUpToTheLastIndexLeavesAnEmptyLogThatGrowsAfterTheSnapshot() {
        storage.append(run(1, 5, 2));
        storage.compact(snapshot(5, 2, "s5"));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(6);
            assertThat(s.lastIndex()).isEqualTo(5);
            assertThat(s.term(5)).isEqualTo(2);
            assertThat(s.entries(6, 6, Long.MAX_VALUE)).isEmpty();
        });
        storage.append(run(6, 7, 3));
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(7);
            assertThat(s.entries(6, 8, Long.MAX_VALUE)).containsExactlyElementsOf(run(6, 7, 3));
        });
    }

    @Test
    void compactionsCanFollowEachOther() {
        storage.append(run(1, 10, 1));
        storage.compact(snapshot(3, 1, "s3"));
        storage.compact(snapshot(8, 1, "s8"));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(9);
            assertThat(s.snapshot()).isEqualTo(snapshot(8, 1, "s8"));
            assertThat(s.entries(9, 11, Long.MAX_VALUE)).containsExactlyElementsOf(run(9, 10, 1));
        });
    }

    @Test
    void compactingToAnOlderOrTheSameIndexChangesNothing() {
        storage.append(run(1, 10, 1));
        storage.compact(snapshot(6, 1, "s6"));
        storage.compact(snapshot(4, 1, "s4"));
        storage.compact(snapshot(6, 1, "another s6"));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(7);
            assertThat(s.snapshot()).isEqualTo(snapshot(6, 1, "s6"));
        });
    }

    @Test
    void compactingBeyondTheLastIndexIsRejected() {
        storage.append(run(1, 3, 1));
        assertThatThrownBy(() -> storage.compact(snapshot(4, 1, "s4"))).isInstanceOf(IllegalArgumentException.class);
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(1);
            assertThat(s.snapshot().index()).isEqualTo(0);
        });
    }

    @Test
    void compactingWithATermOtherThanTheLogsIsRejected() {
        storage.append(run(1, 3, 1));
        assertThatThrownBy(() -> storage.compact(snapshot(2, 5, "s2"))).isInstanceOf(IllegalArgumentException.class);
        durably(s -> assertThat(s.firstIndex()).isEqualTo(1));
    }

    // ---- applySnapshot(snapshot) ----

    @Test
    void applyingASnapshotAheadOfTheLogReplacesIt() {
        storage.append(run(1, 5, 1));
        Snapshot snapshot = snapshot(20, 4, "leader's state");
        storage.applySnapshot(snapshot);
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(21);
            assertThat(s.lastIndex()).isEqualTo(20);
            assertThat(s.term(20)).isEqualTo(4);
            assertThat(s.snapshot()).isEqualTo(snapshot);
            assertThat(s.initialState().confState()).isEqualTo(THREE_VOTERS);
            assertThatThrownBy(() -> s.term(5)).isInstanceOf(LogCompactedException.class);
            assertThatThrownBy(() -> s.entries(21, 22, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        });
    }

    @Test
    void applyingASnapshotInsideTheLogDiscardsEveryEntry() {
        storage.append(run(1, 10, 1));
        storage.applySnapshot(snapshot(4, 3, "s4"));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(5);
            assertThat(s.lastIndex()).isEqualTo(4);
            assertThat(s.term(4)).isEqualTo(3);
            assertThatThrownBy(() -> s.term(5)).isInstanceOf(IndexOutOfBoundsException.class);
        });
    }

    @Test
    void theLogContinuesRightAfterAnAppliedSnapshot() {
        storage.append(run(1, 3, 1));
        storage.applySnapshot(snapshot(10, 2, "s10"));
        assertThatThrownBy(() -> storage.append(run(12, 13, 2))).isInstanceOf(IllegalArgumentException.class);
        storage.append(run(11, 13, 2));
        durably(s -> {
            assertThat(s.firstIndex()).isEqualTo(11);
            assertThat(s.lastIndex()).isEqualTo(13);
            assertThat(s.entries(11, 14, Long.MAX_VALUE)).containsExactlyElementsOf(run(11, 13, 2));
        });
    }

    @Test
    void applyingAnOlderSnapshotIsRejected() {
        storage.applySnapshot(snapshot(10, 2, "s10"));
        assertThatThrownBy(() -> storage.applySnapshot(snapshot(9, 2, "s9"))).isInstanceOf(IllegalArgumentException.class);
        durably(s -> assertThat(s.snapshot()).isEqualTo(snapshot(10, 2, "s10")));
    }

    @Test
    void snapshotDataOfAMegabyteIsKeptIntact() {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        Snapshot snapshot = new Snapshot(new SnapshotMetadata(100, 5, THREE_VOTERS), data);
        storage.applySnapshot(snapshot);
        durably(s -> assertThat(s.snapshot()).isEqualTo(snapshot));
    }

    // ---- hard state ----

    @Test
    void theHardStateIsPersistedAndReplacedWhole() {
        storage.setHardState(new HardState(3, 2, 0));
        durably(s -> assertThat(s.initialState().hardState()).isEqualTo(new HardState(3, 2, 0)));
        storage.setHardState(new HardState(4, 0, 7));
        durably(s -> assertThat(s.initialState().hardState()).isEqualTo(new HardState(4, 0, 7)));
    }

    @Test
    void snapshotsAndAppendsLeaveTheHardStateAlone() {
        storage.setHardState(new HardState(2, 1, 3));
        storage.append(run(1, 5, 2));
        storage.compact(snapshot(3, 2, "s3"));
        storage.applySnapshot(snapshot(9, 2, "s9"));
        durably(s -> assertThat(s.initialState().hardState()).isEqualTo(new HardState(2, 1, 3)));
    }

    @Test
    void aSaveWritesEntriesAndHardStateTogether() {
        storage.save(new HardState(2, 1, 0), run(1, 4, 2), true);
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(4);
            assertThat(s.initialState().hardState()).isEqualTo(new HardState(2, 1, 0));
        });
        storage.save(new HardState(3, 0, 4), run(3, 5, 3), true);
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(5);
            assertThat(s.term(3)).isEqualTo(3);
            assertThat(s.initialState().hardState()).isEqualTo(new HardState(3, 0, 4));
        });
    }

    /** A commit-only Ready is saved without an fsync: visible at once, kept by an orderly restart. */
    @Test
    void anUnsyncedSaveIsVisibleAtOnce() {
        storage.save(new HardState(2, 1, 0), run(1, 3, 2), true);
        storage.save(new HardState(2, 1, 3), List.of(), false);
        assertThat(storage.initialState().hardState()).isEqualTo(new HardState(2, 1, 3));
        durably(s -> {
            assertThat(s.lastIndex()).isEqualTo(3);
            assertThat(s.initialState().hardState()).isEqualTo(new HardState(2, 1, 3));
        });
    }

    // ---- everything together ----

    /**
     * Random appends, conflicts, compactions, snapshot installs, hard states and restarts, with every
     * observable result compared against a plain list after each step.
     */
    @Test
    void randomOperationsAgreeWithAReferenceModel() {
        for (long seed = 1; seed <= 3; seed++) {
            release(storage);
            storage = create();
            runAgainstModel(new Random(seed), 150, "seed " + seed);
        }
    }

    private void runAgainstModel(Random random, int steps, String seed) {
        LogModel model = new LogModel();
        for (int step = 0; step < steps; step++) {
            int op = random.nextInt(100);
            String context = seed + ", step " + step;
            long term = model.lastTerm() + (random.nextInt(4) == 0 ? 1 : 0);
            if (op < 45) {
                List<Entry> batch = run(model.last() + 1, model.last() + 1 + random.nextInt(8), Math.max(term, 1));
                storage.append(batch);
                model.append(batch);
            } else if (op < 60 && model.last() >= model.first()) {
                long from = model.first() + random.nextInt((int) (model.last() - model.first() + 1));
                List<Entry> batch = run(from, from + random.nextInt(6), model.lastTerm() + 1);
                storage.append(batch);
                model.append(batch);
            } else if (op < 70 && model.last() >= model.first()) {
                long index = model.first() + random.nextInt((int) (model.last() - model.first() + 1));
                Snapshot snapshot = snapshot(index, model.term(index), "c" + step);
                storage.compact(snapshot);
                model.compact(snapshot);
            } else if (op < 75) {
                long index = model.snapshot.index() + random.nextInt(15);
                long snapshotTerm = Math.max(model.snapshot.term(), model.lastTerm()) + random.nextInt(2);
                Snapshot snapshot = snapshot(index, Math.max(snapshotTerm, 1), "a" + step);
                storage.applySnapshot(snapshot);
                model.applySnapshot(snapshot);
            } else if (op < 90) {
                HardState hardState = new HardState(term, random.nextInt(4), Math.max(0, model.last() - random.nextInt(3)));
                storage.setHardState(hardState);
                model.hardState = hardState;
            } else {
                storage = reopen(storage);
            }
            model.check(storage, random, context);
        }
    }

    /** The obvious implementation, for comparison: a snapshot, a list of entries after it, a hard state. */
    private static final class LogModel {
        Snapshot snapshot = new Snapshot(new SnapshotMetadata(0, 0, ConfState.EMPTY), new byte[0]);
        List<Entry> entries = new ArrayList<>();
        HardState hardState = HardState.EMPTY;

        long first() {
            return snapshot.index() + 1;
        }

        long last() {
            return snapshot.index() + entries.size();
        }

        long term(long index) {
            return index == snapshot.index() ? snapshot.term() : entries.get((int) (index - first())).term();
        }

        long lastTerm() {
            return term(last());
        }

        void append(List<Entry> batch) {
            long from = batch.get(0).index();
            entries = new ArrayList<>(entries.subList(0, (int) (from - first())));
            entries.addAll(batch);
        }

        void compact(Snapshot s) {
            entries = new ArrayList<>(entries.subList((int) (s.index() - snapshot.index()), entries.size()));
            snapshot = s;
        }

        void applySnapshot(Snapshot s) {
            entries = new ArrayList<>();
            snapshot = s;
        }

        void check(RaftLogStorage storage, Random random, String context) {
            assertThat(storage.firstIndex()).as(context).isEqualTo(first());
            assertThat(storage.lastIndex()).as(context).isEqualTo(last());
            assertThat(storage.snapshot()).as(context).isEqualTo(snapshot);
            assertThat(storage.initialState()).as(context)
                    .isEqualTo(new InitialState(hardState, snapshot.metadata().confState()));
            for (long i = first() - 1; i <= last(); i++) {
                assertThat(storage.term(i)).as(context + ", term(" + i + ")").isEqualTo(term(i));
            }
            assertThat(storage.entries(first(), last() + 1, Long.MAX_VALUE)).as(context).isEqualTo(entries);
            if (!entries.isEmpty()) {
                long lo = first() + random.nextInt(entries.size());
                long hi = lo + random.nextInt((int) (last() + 2 - lo));
                long maxBytes = random.nextInt(200);
                List<Entry> expected = new ArrayList<>();
                long bytes = 0;
                for (long i = lo; i < hi; i++) {
                    Entry e = entries.get((int) (i - first()));
                    if (!expected.isEmpty() && bytes + e.sizeBytes() > maxBytes) {
                        break;
                    }
                    expected.add(e);
                    bytes += e.sizeBytes();
                }
                assertThat(storage.entries(lo, hi, maxBytes)).as(context + ", entries(" + lo + ", " + hi + ", " + maxBytes + ")")
                        .isEqualTo(expected);
            }
        }
    }

    // ---- fixtures ----

    /** An entry whose data is derived from its index and term, so a misplaced entry is visible. */
    protected static Entry entry(long index, long term) {
        byte[] data = new byte[(int) ((index * 7 + term) % 40)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (index * 31 + term * 17 + i);
        }
        return Entry.normal(term, index, data);
    }

    /** Entries from..to inclusive, all of one term. */
    protected static List<Entry> run(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(i, term));
        }
        return out;
    }

    protected static Snapshot snapshot(long index, long term, String data) {
        return new Snapshot(new SnapshotMetadata(index, term, THREE_VOTERS), data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @SafeVarargs
    protected static List<Entry> concat(List<Entry>... parts) {
        List<Entry> out = new ArrayList<>();
        for (List<Entry> part : parts) {
            out.addAll(part);
        }
        return out;
    }
}
