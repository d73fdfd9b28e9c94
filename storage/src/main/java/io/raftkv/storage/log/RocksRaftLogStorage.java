package io.raftkv.storage.log;

import io.raftkv.storage.WriteDurability;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;
import io.raftkv.raft.storage.InitialState;
import io.raftkv.raft.storage.LogCompactedException;
import io.raftkv.raft.storage.RaftLogStorage;
import io.raftkv.storage.log.MetadataFormat.StoredSnapshot;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Statistics;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The Raft log, hard state and latest snapshot of one node in a RocksDB instance of its own
 * (separate from the state machine's): entries in column family {@code raft_log} keyed by
 * big-endian index, the hard state and snapshot in {@code raft_meta}. See storage/README.md for
 * the layout, the checksums and the fsync policy.
 *
 * <p>Every write is one {@link WriteBatch} written with {@code sync=true} (except
 * {@link #save(HardState, List, boolean)} without {@code sync}): an append of any
 * number of entries (and the truncation of the suffix it replaces) costs one fsync, and the hard
 * state's term, vote and commit land together. A record that fails its crc32c raises
 * {@link CorruptLogException} and is never returned.
 *
 * <p>Thread safety: any number of readers and one writer at a time. Writers are serialized; a
 * pure append (no truncation) fsyncs without blocking readers, because it changes nothing a
 * reader can see until the in-memory bounds move. Truncation, compaction and snapshot installs
 * block readers for the duration of their write.
 */
public final class RocksRaftLogStorage implements RaftLogStorage, AutoCloseable {

    /** How many of the newest entries are kept in memory (at most {@code entries} and {@code bytes}). */
    public record RecentEntriesLimit(int entries, long bytes) {
        public static final RecentEntriesLimit DEFAULT = new RecentEntriesLimit(4096, 16L << 20);
        /** No cache: every read goes to RocksDB (and verifies checksums). */
        public static final RecentEntriesLimit NONE = new RecentEntriesLimit(0, 0);
    }

    static {
        RocksDB.loadLibrary();
    }

    private static final SnapshotMetadata NO_SNAPSHOT = new SnapshotMetadata(0, 0, ConfState.EMPTY);

    private final Path directory;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDB db;
    private final ColumnFamilyHandle entriesFamily;
    private final ColumnFamilyHandle metaFamily;
    private final WriteOptions syncWrite;
    private final WriteOptions unsyncedWrite;

    /** Serializes writers. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guards the in-memory view below against readers while it (or a non-append write) changes. */
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();

    private HardState hardState;
    private StoredSnapshot snapshot;
    private long lastIndex;
    private long lastTerm;
    private final RecentEntries recent;
    private boolean closed;

    private RocksRaftLogStorage(Path directory, DBOptions dbOptions, ColumnFamilyOptions familyOptions,
                                List<ColumnFamilyHandle> handles, RocksDB db, RecentEntriesLimit limit,
                                WriteDurability durability) {
        this.directory = directory;
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.handles = handles;
        this.db = db;
        this.entriesFamily = handles.get(1);
        this.metaFamily = handles.get(2);
        this.syncWrite = new WriteOptions().setSync(durability.honoursFsync())
                .setDisableWAL(durability.skipsWal(true));
        this.unsyncedWrite = new WriteOptions().setSync(false).setDisableWAL(durability.skipsWal(false));
        this.recent = new RecentEntries(limit.entries(), limit.bytes());
    }

    /** Opens (creating if needed) the log store in {@code directory}, with the default tail cache. */
    public static RocksRaftLogStorage open(Path directory) {
        return open(directory, RecentEntriesLimit.DEFAULT);
    }

    /**
     * Opens (creating if needed) the log store in {@code directory}.
     *
     * @throws CorruptLogException if the hard state, the snapshot metadata or the last entry is corrupt,
     *                             or the stored log does not start right after the snapshot
     */
    public static RocksRaftLogStorage open(Path directory, RecentEntriesLimit limit) {
        return open(directory, limit, Optional.empty());
    }

    /** As {@link #open(Path, RecentEntriesLimit)}, counting RocksDB's tickers (WAL syncs...) into {@code statistics}. */
    static RocksRaftLogStorage open(Path directory, RecentEntriesLimit limit, Optional<Statistics> statistics) {
        return open(directory, limit, statistics, WriteDurability.PRODUCTION);
    }

    /**
     * As {@link #open(Path, RecentEntriesLimit)}; {@code durability} other than
     * {@link WriteDurability#PRODUCTION} is for the fault-injection harness only.
     */
    public static RocksRaftLogStorage open(Path directory, RecentEntriesLimit limit, WriteDurability durability) {
        return open(directory, limit, Optional.empty(), durability);
    }

    private static RocksRaftLogStorage open(Path directory, RecentEntriesLimit limit, Optional<Statistics> statistics,
                                            WriteDurability durability) {
        Path dir = directory.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Raft log directory " + dir, e);
        }
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // The meta family is written rarely; bound the WAL so its old segments get flushed away.
                .setMaxTotalWalSize(64L << 20)
                .setKeepLogFileNum(2)
                // Without a WAL only atomic flushes keep the two families consistent after a crash.
                .setAtomicFlush(durability.unsyncedLostOnCrash());
        statistics.ifPresent(dbOptions::setStatistics);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(LogKeys.ascii(LogKeys.ENTRIES_FAMILY), familyOptions),
                new ColumnFamilyDescriptor(LogKeys.ascii(LogKeys.META_FAMILY), familyOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            familyOptions.close();
            dbOptions.close();
            throw new UncheckedIOException(new IOException("cannot open the Raft log in " + dir + ": " + e.getMessage(), e));
        }
        RocksRaftLogStorage storage = new RocksRaftLogStorage(dir, dbOptions, familyOptions, handles, db, limit, durability);
        try {
            storage.load();
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        return storage;
    }

    /** Reads the durable state into memory and checks the log starts right after the snapshot. */
    private void load() {
        byte[] hard = get(metaFamily, LogKeys.HARD_STATE);
        try {
            hardState = hard == null ? HardState.EMPTY : MetadataFormat.decodeHardState(hard);
        } catch (MalformedRecordException e) {
            throw CorruptLogException.metadata(directory, "hard state", locate(metaFamily, LogKeys.HARD_STATE), e.getMessage());
        }
        snapshot = readSnapshotMetadata();
        long snapshotIndex = snapshot.metadata().index();
        try (RocksIterator it = db.newIterator(entriesFamily)) {
            it.seekToFirst();
            if (!it.isValid()) {
                checkIterator(it);
                lastIndex = snapshotIndex;
                lastTerm = snapshot.metadata().term();
                return;
            }
            long first = LogKeys.indexOf(it.key());
            if (first != snapshotIndex + 1) {
                throw CorruptLogException.entry(directory, first, locate(entriesFamily, it.key()),
                        "the log starts at index " + first + " but the snapshot is at " + snapshotIndex);
            }
            it.seekToLast();
            checkIterator(it);
            lastIndex = LogKeys.indexOf(it.key());
            lastTerm = decodeEntry(lastIndex, it.value()).term();
        }
    }

    private StoredSnapshot readSnapshotMetadata() {
        byte[] value = get(metaFamily, LogKeys.SNAPSHOT_METADATA);
        if (value == null) {
            return new StoredSnapshot(NO_SNAPSHOT, 0, MetadataFormat.dataChecksum(new byte[0]));
        }
        try {
            return MetadataFormat.decodeSnapshot(value);
        } catch (MalformedRecordException e) {
            throw CorruptLogException.metadata(directory, "snapshot metadata",
                    locate(metaFamily, LogKeys.SNAPSHOT_METADATA), e.getMessage());
        }
    }

    /** The RocksDB directory of this store. */
    public Path directory() {
        return directory;
    }

    // ---- reads ----

    @Override
    public InitialState initialState() {
        stateLock.readLock().lock();
        try {
            ensureOpen();
            return new InitialState(hardState, snapshot.metadata().confState());
        } finally {
            stateLock.readLock().unlock();
        }
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        stateLock.readLock().lock();
        try {
            ensureOpen();
            if (lo > hi) {
                throw new IllegalArgumentException("entries [" + lo + ", " + hi + ") is an inverted range");
            }
            long first = firstIndexLocked();
            if (lo < first) {
                throw new LogCompactedException(lo, first);
            }
            if (hi > lastIndex + 1) {
                throw new IndexOutOfBoundsException(
                        "entries up to " + hi + " (exclusive) requested, but the last index is " + lastIndex);
            }
            if (lo == hi) {
                return List.of();
            }
            return recent.coversFrom(lo) ? cachedEntries(lo, hi, maxBytes) : storedEntries(lo, hi, maxBytes);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    private List<Entry> cachedEntries(long lo, long hi, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        long total = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = recent.get(i);
            if (!out.isEmpty() && total + e.sizeBytes() > maxBytes) {
                break;
            }
            out.add(e);
            total += e.sizeBytes();
        }
        return out;
    }

    private List<Entry> storedEntries(long lo, long hi, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        try (ReadOptions options = new ReadOptions();
             Slice upperBound = new Slice(LogKeys.entryKey(hi))) {
            options.setIterateUpperBound(upperBound);
            try (RocksIterator it = db.newIterator(entriesFamily, options)) {
                it.seek(LogKeys.entryKey(lo));
                long total = 0;
                for (long expected = lo; expected < hi; expected++, it.next()) {
                    if (!it.isValid()) {
                        checkIterator(it);
                        throw missingEntry(expected);
                    }
                    long index = LogKeys.indexOf(it.key());
                    if (index != expected) {
                        throw missingEntry(expected);
                    }
                    byte[] value = it.value();
                    long size = EntryFormat.sizeBytes(value);
                    if (!out.isEmpty() && total + size > maxBytes) {
                        break;
                    }
                    out.add(decodeEntry(index, value));
                    total += size;
                }
            }
        }
        return out;
    }

    @Override
    public long term(long index) {
        stateLock.readLock().lock();
        try {
            ensureOpen();
            long first = firstIndexLocked();
            if (index < first - 1) {
                throw new LogCompactedException(index, first);
            }
            if (index > lastIndex) {
                throw new IndexOutOfBoundsException("term of index " + index + " requested, but the last index is " + lastIndex);
            }
            if (index == first - 1) {
                return snapshot.metadata().term();
            }
            if (index == lastIndex) {
                return lastTerm;
            }
            if (recent.coversFrom(index)) {
                return recent.get(index).term();
            }
            byte[] value = get(entriesFamily, LogKeys.entryKey(index));
            if (value == null) {
                throw missingEntry(index);
            }
            return decodeEntry(index, value).term();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    @Override
    public long firstIndex() {
        stateLock.readLock().lock();
        try {
            ensureOpen();
            return firstIndexLocked();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    @Override
    public long lastIndex() {
        stateLock.readLock().lock();
        try {
            ensureOpen();
            return lastIndex;
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /**
     * The latest snapshot, its data read back from RocksDB and checked against the length and
     * checksum recorded with its metadata.
     */
    @Override
    public Snapshot snapshot() {
        stateLock.readLock().lock();
        try {
            ensureOpen();
            byte[] data = get(metaFamily, LogKeys.SNAPSHOT_DATA);
            if (data == null) {
                data = new byte[0];
            }
            try {
                MetadataFormat.verifySnapshotData(snapshot, data);
            } catch (MalformedRecordException e) {
                throw CorruptLogException.metadata(directory, "snapshot data", locate(metaFamily, LogKeys.SNAPSHOT_DATA), e.getMessage());
            }
            return new Snapshot(snapshot.metadata(), data);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    private long firstIndexLocked() {
        return snapshot.metadata().index() + 1;
    }

    // ---- writes ----

    /**
     * Appends entries durably with one fsync; entries at or below the snapshot are skipped, and an
     * existing suffix from the first new index on is replaced.
     *
     * @throws IllegalArgumentException if the entries are not contiguous or would leave a gap after lastIndex()
     */
    @Override
    public void append(List<Entry> entries) {
        write(Optional.empty(), entries);
    }

    @Override
    public void setHardState(HardState hardState) {
        write(Optional.of(hardState), List.of());
    }

    /**
     * Persists a {@code Ready}'s hard state and entries in one batch and one fsync: what etcd's WAL
     * {@code Save} does. Equivalent to {@link #append} then {@link #setHardState}, at half the syncs.
     */
    public void save(HardState hardState, List<Entry> entries) {
        save(hardState, entries, true);
    }

    /**
     * As {@link #save(HardState, List)}; without {@code sync} the batch goes to the WAL unsynced
     * (a Ready that only moves the commit index), made durable by the next synced write. An
     * unchanged hard state is not rewritten.
     */
    @Override
    public void save(HardState hardState, List<Entry> entries, boolean sync) {
        write(Optional.of(hardState), entries, sync);
    }

    private void write(Optional<HardState> newHardState, List<Entry> entries) {
        write(newHardState, entries, true);
    }

    private void write(Optional<HardState> requestedHardState, List<Entry> entries, boolean sync) {
        writeLock.lock();
        try {
            ensureOpenForWrite();
            List<Entry> appended = uncompacted(entries);
            Optional<HardState> newHardState = requestedHardState.filter(h -> !h.equals(hardState));
            if (appended.isEmpty() && newHardState.isEmpty()) {
                return;
            }
            boolean truncates = !appended.isEmpty() && appended.get(0).index() <= lastIndex;
            try (WriteBatch batch = new WriteBatch()) {
                for (Entry e : appended) {
                    batch.put(entriesFamily, LogKeys.entryKey(e.index()), EntryFormat.encode(e));
                }
                long newLast = appended.isEmpty() ? lastIndex : appended.get(appended.size() - 1).index();
                if (newLast < lastIndex) {
                    batch.deleteRange(entriesFamily, LogKeys.entryKey(newLast + 1), LogKeys.entryKey(lastIndex + 1));
                }
                if (newHardState.isPresent()) {
                    batch.put(metaFamily, LogKeys.HARD_STATE, MetadataFormat.encodeHardState(newHardState.get()));
                }
                if (truncates) {
                    // Readers must not see the old suffix half-replaced: block them across the write.
                    stateLock.writeLock().lock();
                    try {
                        commit(batch, sync);
                        afterWrite(newHardState, appended);
                    } finally {
                        stateLock.writeLock().unlock();
                    }
                } else {
                    // Nothing at or below lastIndex changes: readers go on while we fsync.
                    commit(batch, sync);
                    stateLock.writeLock().lock();
                    try {
                        afterWrite(newHardState, appended);
                    } finally {
                        stateLock.writeLock().unlock();
                    }
                }
            } catch (RocksDBException e) {
                throw failure("write to", e);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Validates a batch and drops the entries already compacted into the snapshot. */
    private List<Entry> uncompacted(List<Entry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries to append are not contiguous: index "
                        + entries.get(i - 1).index() + " is followed by " + entries.get(i).index());
            }
        }
        if (entries.isEmpty()) {
            return entries;
        }
        long first = firstIndexLocked();
        long batchFirst = entries.get(0).index();
        if (batchFirst > lastIndex + 1) {
            throw new IllegalArgumentException("entries to append start at index " + batchFirst
                    + ", leaving a gap after the last index " + lastIndex);
        }
        return batchFirst >= first ? entries : entries.subList((int) Math.min(entries.size(), first - batchFirst), entries.size());
    }

    private void afterWrite(Optional<HardState> newHardState, List<Entry> appended) {
        newHardState.ifPresent(h -> hardState = h);
        if (!appended.isEmpty()) {
            Entry last = appended.get(appended.size() - 1);
            lastIndex = last.index();
            lastTerm = last.term();
            recent.appended(appended);
        }
    }

    /**
     * Records a snapshot the local state machine took and deletes the entries it covers.
     * A snapshot not newer than the current one changes nothing.
     *
     * @throws IllegalArgumentException if its index is past the last index, or its term is not the
     *                                  term of the entry at its index
     */
    @Override
    public void compact(Snapshot newSnapshot) {
        writeLock.lock();
        try {
            ensureOpenForWrite();
            long index = newSnapshot.index();
            if (index <= snapshot.metadata().index()) {
                return; // already compacted at least this far
            }
            if (index > lastIndex) {
                throw new IllegalArgumentException("cannot compact up to " + index + ": the last index is " + lastIndex);
            }
            long termAtIndex = term(index);
            if (termAtIndex != newSnapshot.term()) {
                throw new IllegalArgumentException("snapshot at index " + index + " has term " + newSnapshot.term()
                        + " but the log's entry there has term " + termAtIndex);
            }
            byte[] metadata = MetadataFormat.encodeSnapshot(newSnapshot.metadata(), newSnapshot.data());
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(metaFamily, LogKeys.SNAPSHOT_METADATA, metadata);
                batch.put(metaFamily, LogKeys.SNAPSHOT_DATA, newSnapshot.data());
                batch.deleteRange(entriesFamily, LogKeys.entryKey(0), LogKeys.entryKey(index + 1));
                stateLock.writeLock().lock();
                try {
                    commit(batch);
                    snapshot = decodeOwn(metadata);
                    recent.compacted(index);
                } finally {
                    stateLock.writeLock().unlock();
                }
            } catch (RocksDBException e) {
                throw failure("compact", e);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Replaces the whole log with a snapshot received from the leader.
     *
     * @throws IllegalArgumentException if the snapshot is older than the current one
     */
    @Override
    public void applySnapshot(Snapshot newSnapshot) {
        writeLock.lock();
        try {
            ensureOpenForWrite();
            long index = newSnapshot.index();
            long current = snapshot.metadata().index();
            if (index < current) {
                throw new IllegalArgumentException(
                        "snapshot at index " + index + " is older than the current snapshot at " + current);
            }
            byte[] metadata = MetadataFormat.encodeSnapshot(newSnapshot.metadata(), newSnapshot.data());
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(entriesFamily, LogKeys.entryKey(0), LogKeys.entryKey(Math.max(lastIndex, index) + 1));
                batch.put(metaFamily, LogKeys.SNAPSHOT_METADATA, metadata);
                batch.put(metaFamily, LogKeys.SNAPSHOT_DATA, newSnapshot.data());
                stateLock.writeLock().lock();
                try {
                    commit(batch);
                    snapshot = decodeOwn(metadata);
                    lastIndex = index;
                    lastTerm = newSnapshot.term();
                    recent.clear();
                } finally {
                    stateLock.writeLock().unlock();
                }
            } catch (RocksDBException e) {
                throw failure("apply a snapshot to", e);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        stateLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (ColumnFamilyHandle handle : handles) {
                handle.close();
            }
            db.close();
            syncWrite.close();
            unsyncedWrite.close();
            familyOptions.close();
            dbOptions.close();
        } finally {
            stateLock.writeLock().unlock();
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "RocksRaftLogStorage{" + directory + "}";
    }

    // ---- internals ----

    private void commit(WriteBatch batch) throws RocksDBException {
        db.write(syncWrite, batch);
    }

    private void commit(WriteBatch batch, boolean sync) throws RocksDBException {
        db.write(sync ? syncWrite : unsyncedWrite, batch);
    }

    private StoredSnapshot decodeOwn(byte[] metadata) {
        try {
            return MetadataFormat.decodeSnapshot(metadata);
        } catch (MalformedRecordException e) {
            throw new IllegalStateException("a snapshot record we just encoded does not decode", e);
        }
    }

    private Entry decodeEntry(long index, byte[] value) {
        try {
            return EntryFormat.decode(index, value);
        } catch (MalformedRecordException e) {
            throw CorruptLogException.entry(directory, index, locate(entriesFamily, LogKeys.entryKey(index)), e.getMessage());
        }
    }

    private CorruptLogException missingEntry(long index) {
        return CorruptLogException.entry(directory, index, "absent",
                "the entry is missing although the log runs from " + firstIndexLocked() + " to " + lastIndex);
    }

    private byte[] get(ColumnFamilyHandle family, byte[] key) {
        try {
            return db.get(family, key);
        } catch (RocksDBException e) {
            throw failure("read from", e);
        }
    }

    private void checkIterator(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw failure("read from", e);
        }
    }

    /** RocksDB's own block checksum failures are corruption too; anything else is an I/O failure. */
    private RuntimeException failure(String what, RocksDBException e) {
        Status status = e.getStatus();
        if (status != null && status.getCode() == Status.Code.Corruption) {
            return CorruptLogException.metadata(directory, "RocksDB block", "reported by RocksDB", e.getMessage());
        }
        return new UncheckedIOException(new IOException("cannot " + what + " the Raft log in " + directory + ": " + e.getMessage(), e));
    }

    /** The SST files whose key range holds {@code key}, for corruption reports. */
    private String locate(ColumnFamilyHandle family, byte[] key) {
        try {
            byte[] familyName = family.getName();
            // Several files may span the key (older versions not yet compacted away): newest first.
            List<String> files = db.getLiveFilesMetaData().stream()
                    .filter(file -> Arrays.equals(file.columnFamilyName(), familyName)
                            && Arrays.compareUnsigned(file.smallestKey(), key) <= 0
                            && Arrays.compareUnsigned(key, file.largestKey()) <= 0)
                    .sorted(Comparator.comparingLong(LiveFileMetaData::largestSeqno).reversed())
                    .map(file -> Path.of(file.path(), file.fileName()).normalize().toString())
                    .toList();
            return files.isEmpty()
                    ? "in the memtable, recovered from the WAL, family " + new String(familyName, StandardCharsets.US_ASCII)
                    : "SST file " + String.join(" or ", files);
        } catch (RocksDBException | RuntimeException e) {
            return "file unknown: " + e.getMessage();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Raft log in " + directory + " is closed");
        }
    }

    private void ensureOpenForWrite() {
        stateLock.readLock().lock();
        try {
            ensureOpen();
        } finally {
            stateLock.readLock().unlock();
        }
    }
}
