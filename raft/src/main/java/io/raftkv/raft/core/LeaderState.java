package io.raftkv.raft.core;

import io.raftkv.raft.core.read.ReadIndexQueue;

import java.util.ArrayList;
import java.util.List;

/**
 * What only a leader keeps, for one term of leadership. {@link Raft#becomeLeader} makes a fresh
 * one and every step down drops it, so no field of it can outlive the term through a forgotten
 * reset: {@code raft.leaderState} is non-null exactly while the role is LEADER.
 */
final class LeaderState {
    /** The id leadership is being handed to, 0 when none. */
    long leadTransferee;
    /** Index of the latest conf change entry; another may be proposed once it is applied. */
    long pendingConfIndex;
    /** Entries were proposed since the last Ready and are not yet sent (see flushAppends). */
    boolean appendsPending;
    /** Bytes of proposed entries not yet committed. */
    long uncommittedBytes;
    /** ReadIndex requests waiting for, or in, a heartbeat round that confirms leadership. */
    final ReadIndexQueue readQueue = new ReadIndexQueue();
    /** ReadIndex requests from followers held until the leader has committed an entry of its term. */
    List<Message.ReadIndexRequest> heldReadRequests = new ArrayList<>();

    /**
     * @param pendingConfIndex the leader's last index when elected: no conf change until every
     *                         entry of earlier terms in its log has been applied
     */
    LeaderState(long pendingConfIndex) {
        this.pendingConfIndex = pendingConfIndex;
    }
}
