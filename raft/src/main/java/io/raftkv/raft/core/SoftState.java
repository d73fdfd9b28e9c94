package io.raftkv.raft.core;

/** Volatile state the driver may want to observe: who leads, and this node's role. */
public record SoftState(long leaderId, Role role) {
    public enum Role {
        FOLLOWER,
        PRE_CANDIDATE,
        CANDIDATE,
        LEADER
    }
}
