package io.raftkv.raft.core.log;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;
import io.raftkv.raft.storage.LogCompactedException;
import io.raftkv.raft.storage.MemoryRaftLogStorage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftLogTest {

    private static List<Entry> entries(long from, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            out.add(Entry.normal(terms[i], from + i, new byte[8]));
        }
        return out;
    }

    private static RaftLog logWithStored(long... terms) {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        storage.append(entries(1, terms));
        return new RaftLog(storage);
    }

    @Test
    void readsSpanStorageAndTheUnstableTail() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        storage.append(entries(1, 1, 1, 2));
        RaftLog log = new RaftLog(storage);
        log.append(entries(4, 2, 3));
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(4)).isEqualTo(2);
        assertThat(log.slice(2, 6, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(2L, 3L, 4L, 5L);
        assertThat(log.slice(2, 6, 0)).hasSize(1);
        assertThat(log.stableLastIndex()).isEqualTo(3);
        storage.append(log.unstableEntries()); // the driver persists them, then advances
        log.stableTo(5, 3);
        assertThat(log.unstableEntries()).isEmpty();
        assertThat(log.stableLastIndex()).isEqualTo(5);
    }

    @Test
    void stableToIgnoresEntriesReplacedMeanwhile() {
        RaftLog log = logWithStored(1);
        log.append(entries(2, 2, 2));
        log.append(entries(3, 3));
        log.stableTo(3, 2);
        assertThat(log.unstableEntries()).extracting(Entry::term).containsExactly(2L, 3L);
    }

    @Test
    void maybeAppendTruncatesAConflictingSuffixAndCommits() {
        RaftLog log = logWithStored(1, 1, 2, 2);
        assertThat(log.maybeAppend(2, 1, 3, entries(3, 3, 3), false)).hasValue(4);
        assertThat(log.term(3)).isEqualTo(3);
        assertThat(log.committed()).isEqualTo(3);
        assertThat(log.maybeAppend(4, 9, 4, List.of(), false)).isEmpty();
        assertThatThrownBy(() -> log.maybeAppend(1, 1, 4, entries(2, 5), false))
                .isInstanceOf(IllegalStateException.class); // would overwrite committed entries
    }

    @Test
    void findConflictByTermSkipsWholeTerms() {
        RaftLog log = logWithStored(1, 1, 2, 2, 2, 5, 5);
        assertThat(log.findConflictByTerm(7, 3)).isEqualTo(new RaftLog.IndexTerm(5, 2));
        assertThat(log.findConflictByTerm(7, 1)).isEqualTo(new RaftLog.IndexTerm(2, 1));
        assertThat(log.findConflictByTerm(7, 5)).isEqualTo(new RaftLog.IndexTerm(7, 5));
        assertThat(log.findConflictByTerm(20, 5)).isEqualTo(new RaftLog.IndexTerm(20, 0));
    }

    @Test
    void upToDateComparesLastTermThenLength() {
        RaftLog log = logWithStored(1, 2, 2);
        assertThat(log.isUpToDate(3, 2)).isTrue();
        assertThat(log.isUpToDate(2, 2)).isFalse();
        assertThat(log.isUpToDate(1, 3)).isTrue();
        assertThat(log.isUpToDate(10, 1)).isFalse();
    }

    @Test
    void maybeCommitOnlyCommitsAnEntryOfTheGivenTerm() {
        RaftLog log = logWithStored(1, 2, 3);
        assertThat(log.maybeCommit(2, 3)).isFalse();
        assertThat(log.maybeCommit(3, 3)).isTrue();
        assertThat(log.committed()).isEqualTo(3);
    }

    @Test
    void aRestoredSnapshotReplacesTheLog() {
        RaftLog log = logWithStored(1, 1);
        Snapshot snap = new Snapshot(new SnapshotMetadata(10, 4, ConfState.EMPTY), new byte[0]);
        log.restore(snap);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.term(10)).isEqualTo(4);
        assertThat(log.committed()).isEqualTo(10);
        assertThat(log.unstableSnapshot()).contains(snap);
        assertThat(log.hasNextCommittedEntries()).isFalse();
    }

    @Test
    void compactedEntriesAreReportedAsSuch() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        storage.append(entries(1, 1, 1, 1, 1));
        storage.compact(new Snapshot(new SnapshotMetadata(3, 1, ConfState.EMPTY), new byte[0]));
        RaftLog log = new RaftLog(storage);
        assertThat(log.term(3)).isEqualTo(1);
        assertThatThrownBy(() -> log.term(2)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> log.slice(3, 5, 100)).isInstanceOf(LogCompactedException.class);
        assertThat(log.termOrZero(2)).isZero();
    }
}
