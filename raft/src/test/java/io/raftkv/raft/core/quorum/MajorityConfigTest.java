package io.raftkv.raft.core.quorum;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MajorityConfigTest {

    @Test
    void committedIndexIsTheLargestIndexAMajorityHolds() {
        MajorityConfig c = new MajorityConfig(Set.of(1L, 2L, 3L, 4L, 5L));
        Map<Long, Long> acked = Map.of(1L, 10L, 2L, 8L, 3L, 8L, 4L, 2L, 5L, 1L);
        assertThat(c.committedIndex(id -> acked.getOrDefault(id, 0L))).isEqualTo(8);
        MajorityConfig even = new MajorityConfig(Set.of(1L, 2L, 3L, 4L));
        assertThat(even.committedIndex(id -> acked.getOrDefault(id, 0L))).isEqualTo(8);
        assertThat(new MajorityConfig(Set.of(1L)).committedIndex(id -> 7)).isEqualTo(7);
        assertThat(new MajorityConfig(Set.of()).committedIndex(id -> 7)).isZero();
    }

    @Test
    void votesAreWonLostOrPending() {
        MajorityConfig c = new MajorityConfig(Set.of(1L, 2L, 3L));
        assertThat(c.voteResult(Map.of(1L, true))).isEqualTo(MajorityConfig.VoteResult.PENDING);
        assertThat(c.voteResult(Map.of(1L, true, 2L, true))).isEqualTo(MajorityConfig.VoteResult.WON);
        assertThat(c.voteResult(Map.of(1L, true, 2L, false))).isEqualTo(MajorityConfig.VoteResult.PENDING);
        assertThat(c.voteResult(Map.of(1L, false, 2L, false))).isEqualTo(MajorityConfig.VoteResult.LOST);
        // Votes from non-voters (learners) never count.
        assertThat(c.voteResult(Map.of(1L, true, 9L, true))).isEqualTo(MajorityConfig.VoteResult.PENDING);
    }

    @Test
    void anyTwoMajoritiesOfConfigurationsDifferingByOneNodeIntersect() {
        // The property single-server membership changes rely on, checked exhaustively for small clusters.
        for (int n = 1; n <= 6; n++) {
            Set<Long> old = ids(n);
            Set<Long> added = ids(n + 1);
            for (int a = 0; a < (1 << (n + 1)); a++) {
                for (int b = 0; b < (1 << (n + 1)); b++) {
                    Set<Long> qa = subset(a, n + 1);
                    Set<Long> qb = subset(b, n + 1);
                    if (new MajorityConfig(old).isQuorum(qa) && new MajorityConfig(added).isQuorum(qb)) {
                        // Some voter of the old configuration in qa is also in qb.
                        assertThat(qa.stream().anyMatch(id -> old.contains(id) && qb.contains(id)))
                                .as("old quorum %s and new quorum %s", qa, qb).isTrue();
                    }
                }
            }
        }
    }

    private static Set<Long> ids(int n) {
        java.util.HashSet<Long> s = new java.util.HashSet<>();
        for (long i = 1; i <= n; i++) {
            s.add(i);
        }
        return s;
    }

    private static Set<Long> subset(int mask, int n) {
        java.util.HashSet<Long> s = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            if ((mask & (1 << i)) != 0) {
                s.add((long) i + 1);
            }
        }
        return s;
    }
}
