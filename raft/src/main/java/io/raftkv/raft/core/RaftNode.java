package io.raftkv.raft.core;

import io.raftkv.raft.storage.RaftLogStorage;

/**
 * The consensus core of one node: a deterministic state machine with no threads, clocks,
 * sockets or disks of its own. The driver feeds it inputs, takes a {@link Ready}, acts on it
 * (persist, send, apply) and calls {@link #advance(Ready)}. It is not thread-safe: one thread
 * owns it.
 */
public interface RaftNode {

    /**
     * Creates a node over what {@code storage} holds. {@code appliedIndex} and
     * {@code appliedConf} are what the state machine durably applied (0 and an empty
     * configuration for a brand-new node); committed entries after {@code appliedIndex} are
     * handed out again for applying, conf changes among them included.
     *
     * <p>A new cluster is bootstrapped by appending {@link ConfChange.Type#ADD_VOTER} entries for
     * its initial members (see the core's bootstrap helper), so that a member added later learns
     * the whole membership from the log or a snapshot.
     */
    static RaftNode create(RaftConfig config, RaftLogStorage storage, long appliedIndex, ConfState appliedConf) {
        return RaftNodeFactory.create(config, storage, appliedIndex, appliedConf);
    }

    /** Advances logical time by one tick (elections, heartbeats, check-quorum). */
    void tick();

    /** Delivers one message from a peer. Stale, duplicate or misdirected messages are ignored safely. */
    void step(Message message);

    /**
     * Appends a client command to the leader's log.
     *
     * @throws ProposalRejectedException at once if it cannot be accepted (not leader, transfer
     *                                   in progress, uncommitted cap reached)
     */
    Proposal propose(byte[] data);

    /**
     * Proposes a membership change. One at a time: refused while an earlier one is not applied.
     *
     * @throws ProposalRejectedException when it cannot be accepted
     */
    Proposal proposeConfChange(ConfChange change);

    /**
     * Applies a committed membership change to the core's configuration. The driver calls this
     * when it applies the CONF_CHANGE entry, and persists the returned configuration with the
     * applied index.
     */
    ConfState applyConfChange(ConfChange change);

    /**
     * Requests a read index for a linearizable read. The answer arrives in a later
     * {@link Ready#readStates()} with the same {@code context}. On a follower the request is
     * forwarded to the leader.
     *
     * @throws ProposalRejectedException when no leader is known
     */
    void readIndex(byte[] context);

    /**
     * Hands leadership to {@code target} (a caught-up voter): the leader stops accepting
     * proposals, brings the target up to date and sends it TimeoutNow.
     *
     * @throws ProposalRejectedException if this node is not leader or the target is invalid
     */
    void transferLeadership(long target);

    /** The driver could not reach {@code peer}: the leader goes back to probing it. */
    void reportUnreachable(long peer);

    /**
     * The connection to {@code peer} was closed by the peer's host: reset or refused, which a
     * live process behind a slow or cut network never causes (those time out). A follower whose
     * leader this is campaigns (pre-vote) within a few ticks instead of an election timeout, and
     * grants pre-votes meanwhile; otherwise it is ignored. Never needed for safety.
     */
    void reportConnectionReset(long peer);

    /** The outcome of sending a snapshot to {@code peer} out of band. */
    void reportSnapshot(long peer, boolean succeeded);

    /**
     * The driver has applied up to {@code index} and compacted its storage up to it (a
     * snapshot exists there): the core will send InstallSnapshot to followers behind it.
     */
    void onCompacted(long index);

    boolean hasReady();

    /** The pending work. Call {@link #advance(Ready)} with it once acted upon, before the next {@code ready()}. */
    Ready ready();

    void advance(Ready ready);

    /** The state a status page or test shows: id, term, role, leader, commit, applied. */
    Status status();

    /** A read-only view of this node's state. */
    record Status(long id, long term, long vote, SoftState.Role role, long leaderId, long commitIndex,
                  long appliedIndex, long lastIndex, ConfState confState) {}
}
