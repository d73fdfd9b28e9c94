package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.raftkv.proto.etcd.AlarmMember;
import io.raftkv.proto.etcd.AlarmRequest;
import io.raftkv.proto.etcd.AlarmResponse;
import io.raftkv.proto.etcd.AlarmType;
import io.raftkv.proto.etcd.CompactionRequest;
import io.raftkv.proto.etcd.CompactionResponse;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.DeleteRangeResponse;
import io.raftkv.proto.etcd.LeaseGrantRequest;
import io.raftkv.proto.etcd.LeaseGrantResponse;
import io.raftkv.proto.etcd.LeaseRevokeRequest;
import io.raftkv.proto.etcd.LeaseRevokeResponse;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.internal.LeaseCheckpoint;
import io.raftkv.proto.internal.LeaseCheckpointRequest;
import io.raftkv.proto.internal.LeaseCheckpointResponse;
import io.raftkv.proto.internal.LeaseRecord;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.proto.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * Applies the requests of one batch into a WriteBatchWithIndex: every write goes to the
 * batch, every read sees the database through the batch. Each entry runs between a save
 * point and either its commit or a rollback, so a refused request leaves no trace.
 */
final class MvccWriter extends MvccReader {
    /** etcd's lease.MaxLeaseTTL. */
    static final long MAX_LEASE_TTL = 9_000_000_000L;
    /** History row values (RocksDB copies them into the batch, so they can be shared). */
    private static final byte[] PUT_MARK = {'P'};
    private static final byte[] DELETE_MARK = {'D'};
    private static final byte[] NO_BYTES = new byte[0];

    private final WriteBatchWithIndex batch;
    private final long minLeaseTtl;
    private final List<Event> events = new ArrayList<>();
    List<AlarmMember> alarms;
    private long beginRevision;
    private int changes;

    MvccWriter(StateView.OfBatch view, WriteBatchWithIndex batch, long revision, long compactRevision,
               List<AlarmMember> alarms, long minLeaseTtl) {
        super(view, revision, compactRevision);
        this.batch = batch;
        this.alarms = new ArrayList<>(alarms);
        this.minLeaseTtl = minLeaseTtl;
    }

    List<Event> events() {
        return events;
    }

    /** Applies one request; throws EtcdException after rolling the request's writes back. */
    Message apply(long index, InternalRequest request) {
        beginRevision = revision;
        changes = 0;
        int eventMark = events.size();
        long compactMark = compactRevision;
        List<AlarmMember> alarmMark = List.copyOf(alarms);
        batch.setSavePoint();
        try {
            Message response = dispatch(index, request);
            batch.popSavePoint();
            return response;
        } catch (EtcdException refused) {
            try {
                batch.rollbackToSavePoint();
            } catch (RocksDBException e) {
                throw new StorageException("cannot roll back a refused request at index " + index, e);
            }
            events.subList(eventMark, events.size()).clear();
            revision = beginRevision;
            compactRevision = compactMark;
            alarms = new ArrayList<>(alarmMark);
            throw refused;
        } catch (RocksDBException e) {
            throw new StorageException("apply failed at index " + index, e);
        }
    }

    private Message dispatch(long index, InternalRequest request) {
        return switch (request.getRequestCase()) {
            case PUT -> put(request.getPut());
            case DELETE_RANGE -> {
                RequestValidation.checkDeleteRange(request.getDeleteRange());
                yield deleteRange(request.getDeleteRange());
            }
            case TXN -> txn(request.getTxn());
            case COMPACTION -> compact(request.getCompaction());
            case LEASE_GRANT -> grant(index, request.getLeaseGrant());
            case LEASE_REVOKE -> revoke(request.getLeaseRevoke());
            case LEASE_CHECKPOINT -> checkpoint(request.getLeaseCheckpoint());
            case ALARM -> alarm(request.getAlarm());
            // An empty or unparsable request: applied as nothing. Member attributes are kept by
            // the server's member registry, not by the key-value state.
            case NOOP, REQUEST_NOT_SET, MEMBER_ATTRIBUTES -> ResponseHeader.newBuilder().setRevision(revision).build();
        };
    }

    private ResponseHeader header() {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    // ---- writes of one key; every change of an entry shares revision beginRevision + 1

    private void writePut(ByteString key, ByteString value, long lease) {
        byte[] k = key.toByteArray();
        long rev = beginRevision + 1;
        int sub = changes++;
        Optional<KeyValue> old = latest(k);
        // The kv row is the version without its key (the row key is the key): one builder makes both.
        KeyValue.Builder version = KeyValue.newBuilder()
                .setValue(value)
                .setCreateRevision(old.map(KeyValue::getCreateRevision).orElse(rev))
                .setModRevision(rev)
                .setVersion(old.map(KeyValue::getVersion).orElse(0L) + 1)
                .setLease(lease);
        byte[] row = version.build().toByteArray();
        KeyValue kv = version.setKey(key).build();
        try {
            batch.put(tables.kv, k, row);
            batch.put(tables.history, KeyCodec.historyKey(k, rev, sub), PUT_MARK);
            Event event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build();
            batch.put(tables.events, KeyCodec.revisionKey(rev, sub), event.toByteArray());
            if (old.isPresent() && old.get().getLease() != 0) {
                batch.delete(tables.leaseKeys, KeyCodec.leaseAttachmentKey(old.get().getLease(), k));
            }
            if (lease != 0) {
                batch.put(tables.leaseKeys, KeyCodec.leaseAttachmentKey(lease, k), NO_BYTES);
            }
            events.add(old.isPresent() ? event.toBuilder().setPrevKv(old.get()).build() : event);
        } catch (RocksDBException e) {
            throw new StorageException("put failed", e);
        }
        revision = rev;
    }

    private void writeDelete(KeyValue old) {
        byte[] k = old.getKey().toByteArray();
        long rev = beginRevision + 1;
        int sub = changes++;
        KeyValue tombstone = KeyValue.newBuilder().setKey(old.getKey()).setModRevision(rev).build();
        Event event = Event.newBuilder().setType(Event.EventType.DELETE).setKv(tombstone).build();
        try {
            batch.delete(tables.kv, k);
            batch.put(tables.history, KeyCodec.historyKey(k, rev, sub), DELETE_MARK);
            batch.put(tables.events, KeyCodec.revisionKey(rev, sub), event.toByteArray());
            if (old.getLease() != 0) {
                batch.delete(tables.leaseKeys, KeyCodec.leaseAttachmentKey(old.getLease(), k));
            }
        } catch (RocksDBException e) {
            throw new StorageException("delete failed", e);
        }
        events.add(event.toBuilder().setPrevKv(old).build());
        revision = rev;
    }

    // ---- etcd requests

    private PutResponse put(PutRequest request) {
        RequestValidation.checkPut(request);
        if (request.getLease() != 0 && lease(request.getLease()).isEmpty()) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        return putChecked(request);
    }

    /** The checks etcd makes on a txn's puts before running it (key first, then lease). */
    void checkPutInTxn(PutRequest request) {
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && latest(request.getKey().toByteArray()).isEmpty()) {
            throw EtcdError.KEY_NOT_FOUND.exception();
        }
        if (request.getLease() != 0 && lease(request.getLease()).isEmpty()) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
    }

    PutResponse putChecked(PutRequest request) {
        PutResponse.Builder response = PutResponse.newBuilder();
        ByteString value = request.getValue();
        long lease = request.getLease();
        if (request.getIgnoreValue() || request.getIgnoreLease() || request.getPrevKv()) {
            Optional<KeyValue> prev = latest(request.getKey().toByteArray());
            if (request.getPrevKv()) {
                prev.ifPresent(response::setPrevKv);
            }
            if (request.getIgnoreValue() || request.getIgnoreLease()) {
                KeyValue existing = prev.orElseThrow(EtcdError.KEY_NOT_FOUND::exception);
                value = request.getIgnoreValue() ? existing.getValue() : value;
                lease = request.getIgnoreLease() ? existing.getLease() : lease;
            }
        }
        writePut(request.getKey(), value, lease);
        return response.setHeader(header()).build();
    }

    DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
        Scan scan = scan(KeyRange.of(request.getKey(), request.getRangeEnd()), revision, 0, false);
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(scan.kvs().size());
        for (KeyValue kv : scan.kvs()) {
            writeDelete(kv);
            if (request.getPrevKv()) {
                response.addPrevKvs(kv);
            }
        }
        return response.setHeader(header()).build();
    }

    private Message txn(TxnRequest request) {
        return TxnExecution.run(this, request);
    }

    private CompactionResponse compact(CompactionRequest request) {
        long rev = request.getRevision();
        if (rev <= compactRevision) {
            throw EtcdError.COMPACTED.exception();
        }
        if (rev > revision) {
            throw EtcdError.FUTURE_REVISION.exception();
        }
        compactRevision = rev;
        dropHistoryUpTo(rev);
        return CompactionResponse.newBuilder().setHeader(header()).build();
    }

    /**
     * Removes every version at or below {@code rev} except the latest version of each key
     * that is still live at {@code rev} (a tombstone is never kept), as etcd's compaction does.
     */
    private void dropHistoryUpTo(long rev) {
        List<byte[]> doomedEvents = new ArrayList<>();
        List<byte[]> doomedHistory = new ArrayList<>();
        byte[] end = KeyCodec.revisionKey(rev + 1, 0);
        try (RocksIterator events = view.iterator(tables.events);
             RocksIterator history = view.iterator(tables.history)) {
            for (events.seekToFirst(); events.isValid(); events.next()) {
                byte[] revKey = events.key();
                if (java.util.Arrays.compareUnsigned(revKey, end) >= 0) {
                    break;
                }
                Event event = parseEvent(events.value());
                byte[] userKey = event.getKv().getKey().toByteArray();
                long main = KeyCodec.mainRevision(revKey);
                int sub = KeyCodec.subRevision(revKey);
                byte[] historyKey = KeyCodec.historyKey(userKey, main, sub);
                boolean superseded = false;
                history.seek(historyKey);
                if (history.isValid()) {
                    history.next();
                    superseded = history.isValid()
                            && KeyCodec.startsWith(history.key(), KeyCodec.historyPrefix(userKey))
                            && KeyCodec.decodeHistoryKey(history.key()).main() <= rev;
                }
                if (superseded || event.getType() == Event.EventType.DELETE) {
                    doomedEvents.add(revKey);
                    doomedHistory.add(historyKey);
                }
            }
        }
        try {
            for (byte[] key : doomedEvents) {
                batch.delete(tables.events, key);
            }
            for (byte[] key : doomedHistory) {
                batch.delete(tables.history, key);
            }
        } catch (RocksDBException e) {
            throw new StorageException("compaction failed", e);
        }
    }

    private static Event parseEvent(byte[] bytes) {
        try {
            return Event.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new StorageException("corrupt event row", e);
        }
    }

    private LeaseGrantResponse grant(long index, LeaseGrantRequest request) {
        long id = request.getID();
        if (id == 0) {
            id = pickLeaseId(index);
        }
        if (request.getTTL() > MAX_LEASE_TTL) {
            throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
        }
        if (lease(id).isPresent()) {
            throw EtcdError.LEASE_EXISTS.exception();
        }
        long ttl = Math.max(request.getTTL(), minLeaseTtl);
        LeaseRecord record = LeaseRecord.newBuilder().setId(id).setGrantedTtl(ttl).build();
        try {
            batch.put(tables.leases, KeyCodec.leaseKey(id), record.toByteArray());
        } catch (RocksDBException e) {
            throw new StorageException("lease grant failed", e);
        }
        return LeaseGrantResponse.newBuilder().setHeader(header()).setID(id).setTTL(ttl).build();
    }

    /**
     * Every replica must pick the same id for the same entry, so it derives from the entry's
     * index (SplitMix64, positive 63 bits), re-mixed until it names no existing lease.
     */
    private long pickLeaseId(long index) {
        long candidate = index;
        do {
            candidate = splitMix64(candidate) & Long.MAX_VALUE;
        } while (candidate == 0 || lease(candidate).isPresent());
        return candidate;
    }

    static long splitMix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private LeaseRevokeResponse revoke(LeaseRevokeRequest request) {
        long id = request.getID();
        if (lease(id).isEmpty()) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        byte[] prefix = KeyCodec.leaseKey(id);
        List<byte[]> attached = new ArrayList<>();
        try (RocksIterator it = view.iterator(tables.leaseKeys)) {
            for (it.seek(prefix); it.isValid() && KeyCodec.startsWith(it.key(), prefix); it.next()) {
                attached.add(KeyCodec.attachedUserKey(it.key()));
            }
        }
        for (byte[] key : attached) {
            latest(key).ifPresent(this::writeDelete);
        }
        try {
            batch.delete(tables.leases, prefix);
        } catch (RocksDBException e) {
            throw new StorageException("lease revoke failed", e);
        }
        return LeaseRevokeResponse.newBuilder().setHeader(header()).build();
    }

    private LeaseCheckpointResponse checkpoint(LeaseCheckpointRequest request) {
        for (LeaseCheckpoint cp : request.getCheckpointsList()) {
            Optional<LeaseRecord> record = lease(cp.getId());
            if (record.isEmpty()) {
                continue;
            }
            try {
                batch.put(tables.leases, KeyCodec.leaseKey(cp.getId()),
                        record.get().toBuilder().setRemainingTtl(cp.getRemainingTtl()).build().toByteArray());
            } catch (RocksDBException e) {
                throw new StorageException("lease checkpoint failed", e);
            }
        }
        return LeaseCheckpointResponse.newBuilder().setHeader(header()).build();
    }

    private AlarmResponse alarm(AlarmRequest request) {
        AlarmResponse.Builder response = AlarmResponse.newBuilder().setHeader(header());
        AlarmMember member = AlarmMember.newBuilder().setMemberID(request.getMemberID()).setAlarm(request.getAlarm()).build();
        switch (request.getAction()) {
            case GET -> alarms.stream()
                    .filter(a -> request.getAlarm() == AlarmType.NONE || a.getAlarm() == request.getAlarm())
                    .forEach(response::addAlarms);
            case ACTIVATE -> {
                if (request.getAlarm() != AlarmType.NONE) {
                    if (!alarms.contains(member)) {
                        alarms.add(member);
                    }
                    response.addAlarms(member);
                }
            }
            case DEACTIVATE -> {
                if (alarms.remove(member)) {
                    response.addAlarms(member);
                }
            }
            default -> { }
        }
        return response.build();
    }
}
