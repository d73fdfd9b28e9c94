package io.raftkv.raft.core;

import io.raftkv.raft.storage.RaftLogStorage;

/** Builds the core's implementation behind {@link RaftNode}; the only place that names it. */
final class RaftNodeFactory {
    private RaftNodeFactory() {}

    static RaftNode create(RaftConfig config, RaftLogStorage storage, long appliedIndex, ConfState appliedConf) {
        return new DefaultRaftNode(config, storage, appliedIndex, appliedConf);
    }
}
