package io.raftkv.server.raft;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SoftState;

import java.util.List;
import java.util.Map;

/** What the Raft thread hands on: committed entries to apply, snapshots to install, role changes. */
public interface RaftDriverListener {

    /**
     * Committed entries in log order. Called on the Raft thread; implementations queue them for
     * the apply thread and must not block: a Raft thread waiting for applying stops ticking and
     * heartbeating (back-pressure goes to proposers instead).
     * Membership changes among them were already applied to the core: {@code confStates} maps
     * the index of each CONF_CHANGE entry to the configuration it produced.
     */
    void onCommitted(List<Entry> entries, Map<Long, ConfState> confStates) throws InterruptedException;

    /**
     * A snapshot received from the leader: restore the state machine from it before anything after
     * it is applied. Called on the Raft thread; must not block.
     */
    void onSnapshotReceived(Snapshot snapshot) throws InterruptedException;

    /** Leader or role changed. Called on the Raft thread; must not block. */
    void onSoftState(SoftState state, long term);

    /**
     * The Raft thread failed (the core or the log storage threw) and has stopped: this member
     * neither votes nor leads any more. Called once, on the Raft thread as it exits.
     */
    void onFailure(Throwable cause);
}
