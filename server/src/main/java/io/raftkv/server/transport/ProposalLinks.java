package io.raftkv.server.transport;

import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.ProposalPlacement;

/**
 * The peer streams as they carry forwarded proposals: a follower's mutation to the leader, and
 * the leader's answer saying where in its log the mutation went. Both ride the batches that
 * carry the consensus messages, so forwarding costs no call of its own.
 */
public interface ProposalLinks {

    /** Whether a forwarded proposal left for the leader's stream. */
    enum Queued {
        YES,
        /** This member knows no peer address for the leader. */
        NO_ADDRESS,
        /** The stream to the leader has more queued than it can send. */
        QUEUE_FULL
    }

    Queued forward(long leader, ForwardedProposal proposal);

    void place(long follower, ProposalPlacement placement);
}
