package io.raftkv.storage.log;

import io.raftkv.raft.core.Entry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecentEntriesTest {

    private static List<Entry> run(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.normal(term, i, new byte[10]));
        }
        return out;
    }

    @Test
    void keepsTheNewestEntriesWithinItsCountBound() {
        RecentEntries recent = new RecentEntries(4, Long.MAX_VALUE);
        recent.appended(run(1, 3, 1));
        recent.appended(run(4, 6, 1));
        assertThat(recent.size()).isEqualTo(4);
        assertThat(recent.firstIndex()).hasValue(3L);
        assertThat(recent.coversFrom(2)).isFalse();
        assertThat(recent.coversFrom(3)).isTrue();
        assertThat(recent.get(6)).isEqualTo(Entry.normal(1, 6, new byte[10]));
    }

    @Test
    void keepsTheNewestEntriesWithinItsByteBound() {
        long size = Entry.normal(1, 1, new byte[10]).sizeBytes();
        RecentEntries recent = new RecentEntries(100, 3 * size);
        recent.appended(run(1, 10, 1));
        assertThat(recent.firstIndex()).hasValue(8L);
        assertThat(recent.bytes()).isEqualTo(3 * size);
    }

    @Test
    void aConflictingAppendReplacesTheCachedSuffix() {
        RecentEntries recent = new RecentEntries(100, Long.MAX_VALUE);
        recent.appended(run(1, 10, 1));
        recent.appended(run(5, 6, 2));
        assertThat(recent.size()).isEqualTo(6);
        assertThat(recent.get(5).term()).isEqualTo(2);
        assertThat(recent.coversFrom(7)).isFalse();
        assertThat(recent.bytes()).isEqualTo(6 * run(1, 1, 1).get(0).sizeBytes());
    }

    @Test
    void anAppendReplacingEverythingCachedStartsOver() {
        RecentEntries recent = new RecentEntries(3, Long.MAX_VALUE);
        recent.appended(run(1, 10, 1));
        recent.appended(run(4, 5, 2));
        assertThat(recent.firstIndex()).hasValue(4L);
        assertThat(recent.size()).isEqualTo(2);
    }

    @Test
    void compactionDropsTheCoveredEntries() {
        RecentEntries recent = new RecentEntries(100, Long.MAX_VALUE);
        recent.appended(run(1, 10, 1));
        recent.compacted(4);
        assertThat(recent.firstIndex()).hasValue(5L);
        recent.compacted(20);
        assertThat(recent.firstIndex()).isEmpty();
        assertThat(recent.bytes()).isZero();
    }

    @Test
    void aZeroBoundCachesNothing() {
        RecentEntries recent = new RecentEntries(0, 0);
        recent.appended(run(1, 10, 1));
        assertThat(recent.size()).isZero();
        assertThat(recent.coversFrom(10)).isFalse();
    }
}
