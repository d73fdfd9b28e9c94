package io.raftkv.storage.mvcc;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatchWithIndex;

/**
 * A consistent view of the store's column families: either a RocksDB snapshot (for reads
 * from any thread) or the database seen through the batch being applied (so an entry sees
 * the writes of the entries before it in the same batch).
 */
abstract sealed class StateView implements AutoCloseable {
    final MvccDatabase tables;

    StateView(MvccDatabase tables) {
        this.tables = tables;
    }

    abstract byte[] get(ColumnFamilyHandle cf, byte[] key);

    /** An iterator the caller must close. */
    abstract RocksIterator iterator(ColumnFamilyHandle cf);

    @Override
    public abstract void close();

    static final class OfSnapshot extends StateView {
        private final Snapshot snapshot;
        private final ReadOptions readOptions;

        OfSnapshot(MvccDatabase tables) {
            super(tables);
            this.snapshot = tables.db.getSnapshot();
            this.readOptions = new ReadOptions().setSnapshot(snapshot);
        }

        @Override
        byte[] get(ColumnFamilyHandle cf, byte[] key) {
            try {
                return tables.db.get(cf, readOptions, key);
            } catch (RocksDBException e) {
                throw new StorageException("read failed", e);
            }
        }

        @Override
        RocksIterator iterator(ColumnFamilyHandle cf) {
            return tables.db.newIterator(cf, readOptions);
        }

        @Override
        public void close() {
            readOptions.close();
            tables.db.releaseSnapshot(snapshot);
            snapshot.close();
        }
    }

    static final class OfBatch extends StateView {
        private final WriteBatchWithIndex batch;
        private final ReadOptions readOptions = new ReadOptions();

        OfBatch(MvccDatabase tables, WriteBatchWithIndex batch) {
            super(tables);
            this.batch = batch;
        }

        @Override
        byte[] get(ColumnFamilyHandle cf, byte[] key) {
            try {
                return batch.getFromBatchAndDB(tables.db, cf, readOptions, key);
            } catch (RocksDBException e) {
                throw new StorageException("read through the apply batch failed", e);
            }
        }

        @Override
        RocksIterator iterator(ColumnFamilyHandle cf) {
            // The returned iterator owns the base iterator and closes it.
            return batch.newIteratorWithBase(cf, tables.db.newIterator(cf, readOptions), readOptions);
        }

        @Override
        public void close() {
            readOptions.close();
        }
    }
}
