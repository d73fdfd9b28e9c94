package io.raftkv.storage.mvcc;

import io.raftkv.storage.WriteDurability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The state machine's own RocksDB instance and its column families:
 * <ul>
 *   <li>{@code default}: the meta row (applied index/term, membership, revision, compaction, alarms);</li>
 *   <li>{@code kv}: the latest version of every live key (user key → KeyValue without key),
 *       so reads at the current revision never touch history;</li>
 *   <li>{@code history}: an index (escaped key, revision) → 'P' or 'D' for historical reads and compaction;</li>
 *   <li>{@code events}: (main, sub) revision → Event with the full kv: the watch feed and hash source;</li>
 *   <li>{@code leases}: lease id → LeaseRecord; {@code lease_keys}: (lease id, key) → empty.</li>
 * </ul>
 */
final class MvccDatabase implements AutoCloseable {
    static final byte[] META_KEY = "meta".getBytes(StandardCharsets.UTF_8);
    private static final List<String> FAMILIES = List.of("kv", "history", "events", "leases", "lease_keys");

    final RocksDB db;
    final ColumnFamilyHandle meta;
    final ColumnFamilyHandle kv;
    final ColumnFamilyHandle history;
    final ColumnFamilyHandle events;
    final ColumnFamilyHandle leases;
    final ColumnFamilyHandle leaseKeys;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles;

    private MvccDatabase(RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions, List<ColumnFamilyHandle> handles) {
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handles = handles;
        this.meta = handles.get(0);
        this.kv = handles.get(1);
        this.history = handles.get(2);
        this.events = handles.get(3);
        this.leases = handles.get(4);
        this.leaseKeys = handles.get(5);
    }

    static MvccDatabase open(Path dir, WriteDurability durability) {
        RocksDB.loadLibrary();
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                // Without a WAL only atomic flushes keep the column families consistent after a crash.
                .setAtomicFlush(durability.unsyncedLostOnCrash());
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (String name : FAMILIES) {
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), cfOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            return new MvccDatabase(db, dbOptions, cfOptions, handles);
        } catch (RocksDBException e) {
            dbOptions.close();
            cfOptions.close();
            throw new StorageException("cannot open the MVCC store at " + dir, e);
        }
    }

    List<ColumnFamilyHandle> handles() {
        return handles;
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        dbOptions.close();
        cfOptions.close();
    }
}
