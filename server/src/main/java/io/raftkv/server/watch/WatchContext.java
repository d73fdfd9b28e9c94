package io.raftkv.server.watch;

import io.raftkv.proto.etcd.ResponseHeader;

/** What the watch service needs from the node it runs in. Implemented by the node. */
public interface WatchContext {
    /**
     * The node's response header: cluster_id, member_id and raft_term. Its revision is
     * replaced by the revision each watch response speaks for, so any value will do there.
     */
    ResponseHeader header();

    /** Whether this node currently knows a leader (streams sent with {@code hasleader: true} need one). */
    boolean hasLeader();
}
