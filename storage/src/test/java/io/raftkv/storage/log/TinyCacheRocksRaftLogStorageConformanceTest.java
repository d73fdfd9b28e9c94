package io.raftkv.storage.log;

import io.raftkv.storage.log.RocksRaftLogStorage.RecentEntriesLimit;

/** The RocksDB store with a tail cache smaller than most test logs, so reads straddle its edge. */
class TinyCacheRocksRaftLogStorageConformanceTest extends RocksRaftLogStorageConformanceTest {
    @Override
    RecentEntriesLimit limit() {
        return new RecentEntriesLimit(3, 200);
    }
}
