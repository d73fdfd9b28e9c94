package io.raftkv.storage.log;

import io.raftkv.storage.log.RocksRaftLogStorage.RecentEntriesLimit;

/** The RocksDB store without a tail cache: every read goes to RocksDB and verifies checksums. */
class UncachedRocksRaftLogStorageConformanceTest extends RocksRaftLogStorageConformanceTest {
    @Override
    RecentEntriesLimit limit() {
        return RecentEntriesLimit.NONE;
    }
}
