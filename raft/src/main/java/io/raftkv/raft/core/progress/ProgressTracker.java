package io.raftkv.raft.core.progress;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.quorum.MajorityConfig;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The membership in force on this node, with a {@link Progress} per member (used while
 * leading) and the votes received (while campaigning).
 */
public final class ProgressTracker {
    private final int maxInflightMessages;
    private final long maxInflightBytes;
    private ConfState conf = ConfState.EMPTY;
    private MajorityConfig majority = new MajorityConfig(Set.of());
    // Sorted by id so iteration order, and thus message order, is deterministic.
    private final TreeMap<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();

    public ProgressTracker(int maxInflightMessages, long maxInflightBytes) {
        this.maxInflightMessages = maxInflightMessages;
        this.maxInflightBytes = maxInflightBytes;
    }

    public ConfState conf() {
        return conf;
    }

    public MajorityConfig majority() {
        return majority;
    }

    public boolean isVoter(long id) {
        return conf.voters().contains(id);
    }

    public boolean isSingleVoter(long id) {
        return conf.voters().size() == 1 && conf.voters().contains(id);
    }

    public Progress progress(long id) {
        return progress.get(id);
    }

    /** Visits every member in ascending id order. */
    public void forEach(BiConsumer<Long, Progress> visitor) {
        progress.forEach(visitor);
    }

    /**
     * Switches to {@code newConf}: members that stay keep their progress, new ones start probing
     * from {@code nextIndex}, removed ones are forgotten.
     */
    public void applyConf(ConfState newConf, long nextIndex) {
        progress.keySet().retainAll(members(newConf));
        for (long id : members(newConf)) {
            boolean learner = newConf.learners().contains(id);
            Progress pr = progress.get(id);
            if (pr == null) {
                progress.put(id, newProgress(nextIndex, learner));
            } else {
                pr.setLearner(learner);
            }
        }
        conf = newConf;
        majority = new MajorityConfig(newConf.voters());
    }

    private static Set<Long> members(ConfState c) {
        Set<Long> ids = new HashSet<>(c.voters());
        ids.addAll(c.learners());
        return ids;
    }

    public Progress newProgress(long next, boolean learner) {
        return new Progress(next, new Inflights(maxInflightMessages, maxInflightBytes), learner);
    }

    /** Resets every member's progress (a new term): nothing known, next at {@code nextIndex}. */
    public void resetProgress(long nextIndex) {
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            e.setValue(newProgress(nextIndex, e.getValue().isLearner()));
        }
    }

    /** The largest index a quorum of voters has acknowledged. */
    public long committed() {
        return majority.committedIndex(id -> {
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.match();
        });
    }

    public void resetVotes() {
        votes.clear();
    }

    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    public MajorityConfig.VoteResult tallyVotes() {
        return majority.voteResult(votes);
    }

    /** Check-quorum: have a quorum of voters (counting {@code self}) been heard from recently? */
    public boolean quorumActive(long self) {
        Set<Long> active = new HashSet<>();
        progress.forEach((id, pr) -> {
            if (id == self || pr.recentActive()) {
                active.add(id);
            }
        });
        return majority.isQuorum(active);
    }
}
