package io.raftkv.raft.storage;

/** The in-memory store against the shared contract; a restart finds its {@link MemoryRaftLogStorage#copy()}. */
class MemoryRaftLogStorageConformanceTest extends RaftLogStorageConformanceTest {

    @Override
    protected RaftLogStorage create() {
        return new MemoryRaftLogStorage();
    }

    @Override
    protected RaftLogStorage reopen(RaftLogStorage storage) {
        return ((MemoryRaftLogStorage) storage).copy();
    }
}
