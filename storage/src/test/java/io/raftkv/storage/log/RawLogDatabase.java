package io.raftkv.storage.log;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The log store's RocksDB opened directly, so tests can damage records behind the store's back. */
final class RawLogDatabase implements AutoCloseable {
    private final DBOptions options;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;

    RawLogDatabase(Path directory) throws RocksDBException {
        RocksDB.loadLibrary();
        options = new DBOptions();
        db = RocksDB.open(options, directory.toString(), List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor(LogKeys.ascii(LogKeys.ENTRIES_FAMILY)),
                new ColumnFamilyDescriptor(LogKeys.ascii(LogKeys.META_FAMILY))), handles);
    }

    byte[] entry(long index) throws RocksDBException {
        return db.get(handles.get(1), LogKeys.entryKey(index));
    }

    void putEntry(long index, byte[] value) throws RocksDBException {
        db.put(handles.get(1), LogKeys.entryKey(index), value);
    }

    void deleteEntry(long index) throws RocksDBException {
        db.delete(handles.get(1), LogKeys.entryKey(index));
    }

    byte[] meta(byte[] key) throws RocksDBException {
        return db.get(handles.get(2), key);
    }

    void putMeta(byte[] key, byte[] value) throws RocksDBException {
        db.put(handles.get(2), key, value);
    }

    /** Moves the memtables into SST files, so a damaged record lives in a file with a name. */
    void flush() throws RocksDBException {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
        }
    }

    /** Flips one bit of a copy of {@code value}. */
    static byte[] flipBit(byte[] value, int byteIndex, int bit) {
        byte[] copy = value.clone();
        copy[byteIndex] ^= (byte) (1 << bit);
        return copy;
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        options.close();
    }
}
