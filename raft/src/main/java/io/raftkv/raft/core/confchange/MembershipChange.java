package io.raftkv.raft.core.confchange;

import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;

import java.util.HashSet;
import java.util.Set;

/**
 * Applies one single-server membership change to a configuration. One at a time: every change
 * adds, promotes or removes exactly one node, so any majority of the old voters and any
 * majority of the new voters share a node (see raft/README.md for why that is safe).
 */
public final class MembershipChange {
    private MembershipChange() {}

    /** Why a change cannot apply to a configuration; empty when it can. */
    public static java.util.Optional<String> validate(ConfState conf, ConfChange change) {
        long id = change.nodeId();
        if (id == 0) {
            return java.util.Optional.of("node id must be non-zero");
        }
        return switch (change.type()) {
            case ADD_VOTER -> java.util.Optional.empty(); // adding an existing voter is a no-op; a learner is promoted
            case ADD_LEARNER -> conf.voters().contains(id)
                    ? java.util.Optional.of("node " + id + " is a voter; demoting a voter is not supported")
                    : java.util.Optional.empty();
            case PROMOTE_LEARNER -> conf.learners().contains(id)
                    ? java.util.Optional.empty()
                    : java.util.Optional.of("node " + id + " is not a learner");
            case REMOVE_NODE -> {
                if (!conf.contains(id)) {
                    yield java.util.Optional.of("node " + id + " is not a member");
                }
                if (conf.voters().size() == 1 && conf.voters().contains(id)) {
                    yield java.util.Optional.of("cannot remove the last voter " + id);
                }
                yield java.util.Optional.empty();
            }
        };
    }

    /**
     * The configuration after {@code change}. An invalid change (possible only for an entry
     * proposed against a configuration that has since moved on) leaves it unchanged, the same way
     * on every node since every node applies the same entries in the same order.
     */
    public static ConfState apply(ConfState conf, ConfChange change) {
        if (validate(conf, change).isPresent()) {
            return conf;
        }
        Set<Long> voters = new HashSet<>(conf.voters());
        Set<Long> learners = new HashSet<>(conf.learners());
        long id = change.nodeId();
        switch (change.type()) {
            case ADD_VOTER, PROMOTE_LEARNER -> {
                learners.remove(id);
                voters.add(id);
            }
            case ADD_LEARNER -> learners.add(id);
            case REMOVE_NODE -> {
                voters.remove(id);
                learners.remove(id);
            }
        }
        return new ConfState(voters, learners);
    }
}
