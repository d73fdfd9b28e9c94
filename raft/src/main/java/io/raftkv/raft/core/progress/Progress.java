package io.raftkv.raft.core.progress;

/**
 * The leader's view of one follower (etcd's tracker/progress.go).
 *
 * <ul>
 *   <li>PROBE: we do not know where the follower's log matches ours; send one append at a time
 *       and wait for its answer before the next.</li>
 *   <li>REPLICATE: the follower is caught up; stream appends optimistically, up to the
 *       {@link Inflights} window.</li>
 *   <li>SNAPSHOT: the follower needs a snapshot; send nothing until it is installed or fails.</li>
 * </ul>
 */
public final class Progress {

    public enum State { PROBE, REPLICATE, SNAPSHOT }

    private long match;
    private long next;
    private State state = State.PROBE;
    private long pendingSnapshot;
    private int snapshotTicks;
    private boolean probeSent;
    private boolean recentActive;
    private boolean learner;
    private final Inflights inflights;

    public Progress(long next, Inflights inflights, boolean learner) {
        this.next = next;
        this.inflights = inflights;
        this.learner = learner;
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public State state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean isLearner() {
        return learner;
    }

    public void setLearner(boolean learner) {
        this.learner = learner;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean recentActive) {
        this.recentActive = recentActive;
    }

    public Inflights inflights() {
        return inflights;
    }

    /** For the leader's own entry: it matches what it has persisted. */
    public void setMatch(long match) {
        this.match = match;
        this.next = Math.max(next, match + 1);
    }

    private void resetState(State newState) {
        probeSent = false;
        pendingSnapshot = 0;
        snapshotTicks = 0;
        state = newState;
        inflights.reset();
    }

    public void becomeProbe() {
        if (state == State.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(State.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(State.PROBE);
            next = match + 1;
        }
    }

    /** The snapshot was not delivered: forget it, so the next probe starts from what the follower holds. */
    public void snapshotFailed() {
        pendingSnapshot = 0;
    }

    public void becomeReplicate() {
        resetState(State.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        resetState(State.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /** An append of {@code entries} entries ({@code bytes} bytes) was just sent. */
    public void sentEntries(int entries, long bytes) {
        switch (state) {
            case REPLICATE -> {
                if (entries > 0) {
                    next += entries;
                    inflights.add(next - 1, bytes);
                }
            }
            case PROBE -> probeSent = true;
            case SNAPSHOT -> throw new IllegalStateException("sending entries to a follower awaiting a snapshot");
        }
    }

    /** The follower acknowledged up to {@code index}; returns whether that was news. */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * The follower rejected an append at {@code rejected}; {@code matchHint} is where our logs can
     * at best match. Returns false for a stale rejection.
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false; // stale: we already know it matches further
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false; // stale: not an answer to our latest probe
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** A heartbeat answer: the follower is alive, so let a paused probe or full window move. */
    public void onHeartbeatResponse() {
        probeSent = false;
        if (state == State.REPLICATE && inflights.full()) {
            inflights.freeFirstOne();
        }
    }

    /**
     * One leader tick in SNAPSHOT state; true once {@code timeoutTicks} have passed, when the
     * leader should assume the snapshot was lost and probe again.
     */
    public boolean snapshotTimedOut(int timeoutTicks) {
        return state == State.SNAPSHOT && ++snapshotTicks >= timeoutTicks;
    }

    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    @Override
    public String toString() {
        return state + "{match=" + match + ", next=" + next + (learner ? ", learner" : "")
                + (state == State.SNAPSHOT ? ", snapshot=" + pendingSnapshot : "")
                + ", inflight=" + inflights.count() + "}";
    }
}
