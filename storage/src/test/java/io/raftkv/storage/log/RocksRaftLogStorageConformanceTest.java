package io.raftkv.storage.log;

import io.raftkv.raft.storage.RaftLogStorage;
import io.raftkv.raft.storage.RaftLogStorageConformanceTest;
import io.raftkv.storage.log.RocksRaftLogStorage.RecentEntriesLimit;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The RocksDB store against the shared contract, with the default tail cache; a restart closes
 * the store and opens its directory again. {@link UncachedRocksRaftLogStorageConformanceTest} and
 * {@link TinyCacheRocksRaftLogStorageConformanceTest} rerun it with other cache sizes.
 */
class RocksRaftLogStorageConformanceTest extends RaftLogStorageConformanceTest {
    @TempDir
    Path tempDir;
    private int stores;

    RecentEntriesLimit limit() {
        return RecentEntriesLimit.DEFAULT;
    }

    @Override
    protected RaftLogStorage create() {
        return RocksRaftLogStorage.open(tempDir.resolve("log-" + stores++), limit());
    }

    @Override
    protected RaftLogStorage reopen(RaftLogStorage storage) {
        RocksRaftLogStorage rocks = (RocksRaftLogStorage) storage;
        rocks.close();
        return RocksRaftLogStorage.open(rocks.directory(), limit());
    }

    @Override
    protected void release(RaftLogStorage storage) {
        ((RocksRaftLogStorage) storage).close();
    }
}
