package io.raftkv.raft.core;

/**
 * What a node must persist before it answers a vote or acknowledges entries:
 * its current term, whom it voted for in that term (0 for nobody), and its commit index.
 */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, 0, 0);

    public boolean isEmpty() {
        return equals(EMPTY);
    }
}
