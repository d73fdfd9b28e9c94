package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.etcd.TxnResponse;
import io.raftkv.proto.internal.LeaseRecord;
import io.raftkv.proto.internal.MvccMeta;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.SnapshotMetadata;
import io.raftkv.storage.snapshot.DirectoryInstall;
import io.raftkv.storage.snapshot.SnapshotArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The MVCC key-value state machine with etcd's semantics, on its own RocksDB instance.
 *
 * <p>One thread applies committed entries ({@link #applyBatch}); any thread reads. Each
 * batch is one atomic RocksDB write that also records the applied index, term and
 * membership, so replaying entries at or below the applied index is a no-op. Reads run on
 * a RocksDB snapshot and see a whole batch or none of it.
 */
public final class MvccStore implements AutoCloseable {
    private static final String LIVE_DIR = "db";

    private final Path root;
    private final Path live;
    private final MvccOptions options;
    /** Readers and the applier hold it shared; closing and installing a snapshot hold it exclusively. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** One batch or checkpoint at a time, so a checkpoint always sits on a batch boundary. */
    private final ReentrantLock applyLock = new ReentrantLock();
    private final AtomicLong checkpointSequence = new AtomicLong();
    private MvccDatabase tables;
    private volatile AppliedState state;
    private boolean closed;

    private MvccStore(Path root, MvccOptions options) {
        this.root = root;
        this.live = root.resolve(LIVE_DIR);
        this.options = options;
    }

    /** Opens (or creates) the store under {@code root}, finishing any interrupted snapshot install. */
    public static MvccStore open(Path root, MvccOptions options) {
        MvccStore store = new MvccStore(root, options);
        try {
            Files.createDirectories(root);
            DirectoryInstall.recover(store.live);
            // checkpoints left by a crash while a snapshot was being streamed
            try (var leftovers = Files.newDirectoryStream(root, "checkpoint-*")) {
                for (Path leftover : leftovers) {
                    DirectoryInstall.deleteTree(leftover);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot prepare the MVCC store directory " + root, e);
        }
        store.reopen();
        return store;
    }

    private void reopen() {
        tables = MvccDatabase.open(live, options.durability());
        try (StateView.OfSnapshot view = new StateView.OfSnapshot(tables)) {
            state = readState(view);
        }
    }

    private static AppliedState readState(StateView view) {
        byte[] meta = view.get(view.tables.meta, MvccDatabase.META_KEY);
        if (meta == null) {
            return AppliedState.EMPTY;
        }
        try {
            return AppliedState.fromMeta(MvccMeta.parseFrom(meta));
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("corrupt meta row of the MVCC store", e);
        }
    }

    /** The last applied entry, membership, revision, compaction and alarms. */
    public AppliedState state() {
        return state;
    }

    // ---------------------------------------------------------------- apply

    /**
     * Applies committed entries in log order as one atomic write. Entries at or below the
     * applied index are skipped (replay after a restart). A refused request is applied as a
     * no-op with a {@link ApplyResult.Rejected} result and still advances the applied index.
     */
    public ApplyBatchResult applyBatch(List<CommittedCommand> commands) {
        lifecycle.readLock().lock();
        applyLock.lock();
        try {
            ensureOpen();
            AppliedState before = state;
            List<ApplyResult> results = new ArrayList<>(commands.size());
            long index = before.appliedIndex();
            long term = before.appliedTerm();
            ConfState confState = before.confState();
            try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
                 StateView.OfBatch view = new StateView.OfBatch(tables, batch)) {
                MvccWriter writer = new MvccWriter(view, batch, before.revision(), before.compactRevision(),
                        before.alarms(), options.minLeaseTtlSeconds());
                for (CommittedCommand command : commands) {
                    if (command.index() <= index) {
                        results.add(new ApplyResult.AlreadyApplied(command.index()));
                        continue;
                    }
                    if (command.index() != index + 1) {
                        throw new IllegalArgumentException("entry " + command.index() + " applied after " + index
                                + ": committed entries must be applied in order without gaps");
                    }
                    index = command.index();
                    term = command.term();
                    if (command instanceof CommittedCommand.Request request) {
                        results.add(applyOne(writer, request));
                    } else {
                        if (command instanceof CommittedCommand.MembershipChange change) {
                            confState = change.confState();
                        }
                        results.add(new ApplyResult.Nothing(command.index()));
                    }
                }
                if (index == before.appliedIndex()) {
                    return new ApplyBatchResult(results, List.of(), before.revision(), index);
                }
                AppliedState after = new AppliedState(index, term, confState, writer.revision, writer.compactRevision,
                        writer.alarms);
                batch.put(tables.meta, MvccDatabase.META_KEY, after.toMeta().toByteArray());
                boolean sync = options.syncWrites() && options.durability().honoursFsync();
                try (WriteOptions writeOptions = new WriteOptions().setSync(sync)
                        .setDisableWAL(options.durability().skipsWal(options.syncWrites()))) {
                    tables.db.write(writeOptions, batch);
                }
                state = after;
                return new ApplyBatchResult(results, writer.events(), after.revision(), index);
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot write applied batch to " + live, e);
        } finally {
            applyLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    private static ApplyResult applyOne(MvccWriter writer, CommittedCommand.Request command) {
        long requestId = command.request().getId();
        try {
            // Every request answers (a NoopRequest with a ResponseHeader), so a proposer waiting
            // on its id is always completed.
            Message response = writer.apply(command.index(), command.request());
            return new ApplyResult.Applied(command.index(), requestId, response);
        } catch (EtcdException refused) {
            return new ApplyResult.Rejected(command.index(), requestId, refused);
        }
    }

    // ---------------------------------------------------------------- reads

    private interface Read<T> {
        T run(MvccReader reader);
    }

    private <T> T read(Read<T> body) {
        lifecycle.readLock().lock();
        try (StateView.OfSnapshot view = openView()) {
            AppliedState at = readState(view);
            return body.run(new MvccReader(view, at.revision(), at.compactRevision()));
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private StateView.OfSnapshot openView() {
        ensureOpen();
        return new StateView.OfSnapshot(tables);
    }

    /** etcd's Range at the current or a historical revision. Throws {@link EtcdException}. */
    public RangeResponse range(RangeRequest request) {
        RequestValidation.checkRange(request);
        return read(reader -> reader.range(request));
    }

    /**
     * Evaluates a txn that writes nothing (see {@link RequestValidation#isReadOnly}) without
     * a log entry. Throws {@link EtcdException}, or IllegalArgumentException for a txn that writes.
     */
    public TxnResponse txnReadOnly(TxnRequest request) {
        return read(reader -> TxnExecution.run(reader, request));
    }

    /**
     * Events with revision >= {@code fromRevision} on keys in [key, rangeEnd) (etcd's range
     * forms), at most about {@code maxEvents} (a revision is never split), with prev_kv when
     * asked and still in history.
     */
    public WatchHistory history(long fromRevision, ByteString key, ByteString rangeEnd, boolean prevKv, int maxEvents) {
        KeyRange range = KeyRange.of(key, rangeEnd);
        return read(reader -> {
            if (fromRevision < reader.compactRevision) {
                return new WatchHistory.Compacted(reader.compactRevision);
            }
            List<Event> events = new ArrayList<>();
            long next = reader.revision + 1;
            try (RocksIterator it = reader.view.iterator(tables.events);
                 RocksIterator history = reader.view.iterator(tables.history)) {
                for (it.seek(KeyCodec.revisionKey(Math.max(fromRevision, 0), 0)); it.isValid(); it.next()) {
                    long main = KeyCodec.mainRevision(it.key());
                    if (!events.isEmpty() && events.size() >= maxEvents
                            && main != events.get(events.size() - 1).getKv().getModRevision()) {
                        next = main;
                        break;
                    }
                    Event event = parse(it.value());
                    if (range.isEmpty() || !range.contains(event.getKv().getKey().toByteArray())) {
                        continue;
                    }
                    if (prevKv) {
                        Optional<io.raftkv.proto.mvcc.KeyValue> prev =
                                previousVersion(reader, history, event, main, KeyCodec.subRevision(it.key()));
                        if (prev.isPresent()) {
                            event = event.toBuilder().setPrevKv(prev.get()).build();
                        }
                    }
                    events.add(event);
                }
            }
            return new WatchHistory.Page(events, next, reader.revision);
        });
    }

    private static Optional<io.raftkv.proto.mvcc.KeyValue> previousVersion(MvccReader reader, RocksIterator history,
                                                                         Event event, long main, int sub) {
        byte[] userKey = event.getKv().getKey().toByteArray();
        history.seek(KeyCodec.historyKey(userKey, main, sub));
        if (!history.isValid()) {
            return Optional.empty();
        }
        history.prev();
        if (!history.isValid() || !KeyCodec.startsWith(history.key(), KeyCodec.historyPrefix(userKey))
                || history.value()[0] != 'P') {
            return Optional.empty();
        }
        KeyCodec.HistoryKey row = KeyCodec.decodeHistoryKey(history.key());
        return Optional.of(reader.event(row.main(), row.sub()).getKv());
    }

    private static Event parse(byte[] bytes) {
        try {
            return Event.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("corrupt event row", e);
        }
    }

    /** A granted lease with its attached keys. */
    public Optional<LeaseInfo> lease(long id) {
        return read(reader -> reader.lease(id).map(record -> leaseInfo(reader, record)));
    }

    /** Every granted lease, by id. */
    public List<LeaseInfo> leases() {
        return read(reader -> {
            List<LeaseInfo> all = new ArrayList<>();
            try (RocksIterator it = reader.view.iterator(tables.leases)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    try {
                        all.add(leaseInfo(reader, LeaseRecord.parseFrom(it.value())));
                    } catch (InvalidProtocolBufferException e) {
                        throw new StorageException("corrupt lease row", e);
                    }
                }
            }
            return all;
        });
    }

    private LeaseInfo leaseInfo(MvccReader reader, LeaseRecord record) {
        byte[] prefix = KeyCodec.leaseKey(record.getId());
        List<ByteString> keys = new ArrayList<>();
        try (RocksIterator it = reader.view.iterator(tables.leaseKeys)) {
            for (it.seek(prefix); it.isValid() && KeyCodec.startsWith(it.key(), prefix); it.next()) {
                keys.add(ByteString.copyFrom(KeyCodec.attachedUserKey(it.key())));
            }
        }
        return new LeaseInfo(record.getId(), record.getGrantedTtl(), record.getRemainingTtl(), keys);
    }

    /**
     * etcd's HashKV: a CRC32C over every stored version up to {@code revision} (0 = current),
     * in revision order. Throws the future / compacted errors like a range would.
     */
    public KvHash hashKV(long revision) {
        return read(reader -> {
            long rev = revision == 0 ? reader.revision : revision;
            if (rev > reader.revision) {
                throw EtcdError.FUTURE_REVISION.exception();
            }
            if (rev < reader.compactRevision) {
                throw EtcdError.COMPACTED.exception();
            }
            CRC32C crc = new CRC32C();
            byte[] end = KeyCodec.revisionKey(rev + 1, 0);
            try (RocksIterator it = reader.view.iterator(tables.events)) {
                for (it.seekToFirst(); it.isValid() && Arrays.compareUnsigned(it.key(), end) < 0; it.next()) {
                    crc.update(it.key());
                    crc.update(it.value());
                }
            }
            return new KvHash((int) crc.getValue(), reader.compactRevision, reader.revision);
        });
    }

    /** etcd's Hash: a CRC32C of all data (every family but the applied-index bookkeeping). */
    public int hash() {
        return read(reader -> {
            CRC32C crc = new CRC32C();
            for (ColumnFamilyHandle family : List.of(tables.kv, tables.history, tables.events, tables.leases,
                    tables.leaseKeys)) {
                try (RocksIterator it = reader.view.iterator(family)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        crc.update(it.key());
                        crc.update(it.value());
                    }
                }
                crc.update(0xFF);
            }
            crc.update(java.nio.ByteBuffer.allocate(16).putLong(reader.revision).putLong(reader.compactRevision).array());
            return (int) crc.getValue();
        });
    }

    /**
     * etcd's Defragment: rewrites every column family's files (a full RocksDB compaction), so
     * space freed by compacted history and deletes is returned to the file system.
     */
    public void defragment() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            for (ColumnFamilyHandle family : tables.handles()) {
                tables.db.compactRange(family);
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot defragment " + live, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Bytes the store occupies (SST files and memtables): what the space quota is checked against. */
    public long dbSize() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            long size = 0;
            for (ColumnFamilyHandle family : tables.handles()) {
                size += tables.db.getLongProperty(family, "rocksdb.total-sst-files-size");
                size += tables.db.getLongProperty(family, "rocksdb.cur-size-all-mem-tables");
            }
            return size;
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the size of " + live, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Writes a consistent RocksDB checkpoint of the store into {@code directory} (must not
     * exist) and returns the index, term and membership it holds. Memtables are flushed
     * first, so the live store is durable up to that index too: the Raft log may then be
     * compacted up to it.
     */
    public SnapshotMetadata checkpoint(Path directory) {
        lifecycle.readLock().lock();
        applyLock.lock();
        try {
            ensureOpen();
        } catch (IllegalStateException e) {
            applyLock.unlock();
            lifecycle.readLock().unlock();
            throw e;
        }
        try (Checkpoint checkpoint = Checkpoint.create(tables.db);
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            tables.db.flush(flush, tables.handles());
            checkpoint.createCheckpoint(directory.toString());
            AppliedState at = state;
            return new SnapshotMetadata(at.appliedIndex(), at.appliedTerm(), at.confState());
        } catch (RocksDBException e) {
            throw new StorageException("cannot checkpoint " + live + " into " + directory, e);
        } finally {
            applyLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /** Streams a checkpoint (see {@link SnapshotArchive}) and returns where it sits in the log. */
    public SnapshotMetadata writeSnapshot(OutputStream out) throws IOException {
        try (PendingSnapshot pending = checkpointForSnapshot()) {
            pending.pack(out);
            return pending.metadata();
        }
    }

    /**
     * Takes a checkpoint now, on a batch boundary, to be packed later by any thread: the apply
     * thread pays only for the flush and the hard links, not for reading and writing the files.
     * The checkpoint holds exactly the state at {@link PendingSnapshot#metadata()}'s index
     * whatever is applied meanwhile. Close it to remove the checkpoint.
     */
    public PendingSnapshot checkpointForSnapshot() throws IOException {
        Path directory = root.resolve("checkpoint-" + ProcessHandle.current().pid() + "-"
                + checkpointSequence.incrementAndGet());
        DirectoryInstall.deleteTree(directory);
        try {
            return new PendingSnapshot(directory, checkpoint(directory));
        } catch (RuntimeException e) {
            DirectoryInstall.deleteTree(directory);
            throw e;
        }
    }

    /** A checkpoint waiting to be packed into a snapshot archive. */
    public static final class PendingSnapshot implements AutoCloseable {
        private final Path directory;
        private final SnapshotMetadata metadata;

        private PendingSnapshot(Path directory, SnapshotMetadata metadata) {
            this.directory = directory;
            this.metadata = metadata;
        }

        /** The index, term and membership the checkpoint holds. */
        public SnapshotMetadata metadata() {
            return metadata;
        }

        /** Writes the archive (see {@link SnapshotArchive}); may run on any thread, once. */
        public void pack(OutputStream out) throws IOException {
            SnapshotArchive.pack(directory, out);
        }

        @Override
        public void close() throws IOException {
            DirectoryInstall.deleteTree(directory);
        }
    }

    /**
     * Replaces the whole state by a streamed snapshot: unpacked and fsynced beside the live
     * store, swapped in by renames (crash-safe, see {@link DirectoryInstall}), then reopened.
     * Returns the snapshot's index, term and membership.
     */
    public SnapshotMetadata installSnapshot(InputStream in) throws IOException {
        Path staging = DirectoryInstall.stagingPath(live);
        DirectoryInstall.deleteTree(staging);
        SnapshotArchive.unpack(in, staging);
        lifecycle.writeLock().lock();
        try {
            ensureOpen();
            DirectoryInstall.markComplete(live);
            tables.close();
            tables = null;
            DirectoryInstall.swap(live);
            reopen();
            AppliedState at = state;
            return new SnapshotMetadata(at.appliedIndex(), at.appliedTerm(), at.confState());
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed || tables == null) {
            throw new IllegalStateException("the MVCC store at " + live + " is closed");
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                if (tables != null) {
                    tables.close();
                    tables = null;
                }
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
