package io.raftkv.raft.core.quorum;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/** A set of voters decided by simple majority (etcd's quorum/majority.go). */
public record MajorityConfig(Set<Long> voters) {

    public enum VoteResult { PENDING, WON, LOST }

    public MajorityConfig {
        voters = Set.copyOf(voters);
    }

    public int quorum() {
        return voters.size() / 2 + 1;
    }

    /**
     * The largest index acknowledged by a majority, given each voter's acknowledged index
     * ({@code acked}, 0 when unknown). 0 for an empty configuration: nothing can commit.
     */
    public long committedIndex(LongUnaryOperator acked) {
        if (voters.isEmpty()) {
            return 0;
        }
        long[] indexes = new long[voters.size()];
        int i = 0;
        for (long id : voters) {
            indexes[i++] = acked.applyAsLong(id);
        }
        Arrays.sort(indexes);
        // Sorted ascending: the entry at n - quorum is held by at least a quorum of voters.
        return indexes[indexes.length - quorum()];
    }

    /** Tallies votes (only voters count): WON on a quorum of grants, LOST once a quorum is impossible. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (voters.isEmpty()) {
            return VoteResult.LOST;
        }
        int granted = 0;
        int missing = 0;
        for (long id : voters) {
            Boolean v = votes.get(id);
            if (v == null) {
                missing++;
            } else if (v) {
                granted++;
            }
        }
        if (granted >= quorum()) {
            return VoteResult.WON;
        }
        if (granted + missing >= quorum()) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    /** True when the voters in {@code ids} form a quorum. */
    public boolean isQuorum(Set<Long> ids) {
        int n = 0;
        for (long id : voters) {
            if (ids.contains(id)) {
                n++;
            }
        }
        return n >= quorum();
    }
}
