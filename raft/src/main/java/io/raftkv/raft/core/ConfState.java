package io.raftkv.raft.core;

import java.util.Set;

/**
 * A cluster membership: the voters (who elect and count for quorum) and the learners
 * (who receive the log and never vote). A node id is in at most one of the two sets.
 */
public record ConfState(Set<Long> voters, Set<Long> learners) {
    public ConfState {
        voters = Set.copyOf(voters);
        learners = Set.copyOf(learners);
        for (Long id : voters) {
            if (learners.contains(id)) {
                throw new IllegalArgumentException("node " + id + " is both voter and learner");
            }
        }
    }

    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of());

    public static ConfState ofVoters(Set<Long> voters) {
        return new ConfState(voters, Set.of());
    }

    public boolean contains(long id) {
        return voters.contains(id) || learners.contains(id);
    }
}
