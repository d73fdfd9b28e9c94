package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.CompactionResponse;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.DeleteRangeResponse;
import io.raftkv.proto.etcd.LeaseGrantResponse;
import io.raftkv.proto.etcd.LeaseRevokeResponse;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.etcd.ResponseOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.etcd.TxnResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.proto.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately plain in-memory version of etcd's MVCC semantics: the full history as a
 * list of changes, a state copy taken before each request and restored when it is refused.
 * Written independently of the RocksDB store so the property test compares two designs.
 * Supports put, delete, txn, compact, lease grant/revoke and range.
 */
final class ReferenceModel {
    static final Comparator<ByteString> BYTES = ByteString.unsignedLexicographicalComparator();

    /** One change: a put (kv) or a delete (kv has key and mod revision only). */
    record Change(long rev, int sub, boolean put, KeyValue kv) {}

    private long revision = 1;
    private long compactRevision = -1;
    private TreeMap<ByteString, KeyValue> latest = new TreeMap<>(BYTES);
    private List<Change> history = new ArrayList<>();
    private Map<Long, Long> leases = new HashMap<>();
    private final long minTtl;
    final List<Event> events = new ArrayList<>();

    // per request
    private long txnRev;
    private int changes;

    ReferenceModel(long minTtl) {
        this.minTtl = minTtl;
    }

    long revision() {
        return revision;
    }

    long compactRevision() {
        return compactRevision;
    }

    /** Applies one entry's request: the response, or the EtcdException it was refused with. */
    Object apply(long index, InternalRequest request) {
        long savedRevision = revision;
        long savedCompact = compactRevision;
        TreeMap<ByteString, KeyValue> savedLatest = new TreeMap<>(latest);
        List<Change> savedHistory = new ArrayList<>(history);
        Map<Long, Long> savedLeases = new HashMap<>(leases);
        int savedEvents = events.size();
        txnRev = revision + 1;
        changes = 0;
        try {
            Message response = switch (request.getRequestCase()) {
                case PUT -> put(request.getPut(), true);
                case DELETE_RANGE -> {
                    if (request.getDeleteRange().getKey().isEmpty()) {
                        throw EtcdError.KEY_NOT_PROVIDED.exception();
                    }
                    yield delete(request.getDeleteRange());
                }
                case TXN -> txn(request.getTxn(), true);
                case COMPACTION -> compact(request.getCompaction().getRevision());
                case LEASE_GRANT -> grant(index, request.getLeaseGrant().getID(), request.getLeaseGrant().getTTL());
                case LEASE_REVOKE -> revoke(request.getLeaseRevoke().getID());
                // The generator never produces other requests; reaching here is a bug in the test itself.
                default -> throw new AssertionError("the reference model does not model " + request.getRequestCase());
            };
            return response;
        } catch (EtcdException e) {
            revision = savedRevision;
            compactRevision = savedCompact;
            latest = savedLatest;
            history = savedHistory;
            leases = savedLeases;
            events.subList(savedEvents, events.size()).clear();
            return e;
        }
    }

    private ResponseHeader header() {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    private void change(ByteString key, KeyValue kv, boolean put) {
        KeyValue old = latest.get(key);
        Change c = new Change(txnRev, changes++, put, kv);
        history.add(c);
        Event.Builder event = Event.newBuilder().setType(put ? Event.EventType.PUT : Event.EventType.DELETE).setKv(kv);
        if (old != null) {
            event.setPrevKv(old);
        }
        events.add(event.build());
        if (put) {
            latest.put(key, kv);
        } else {
            latest.remove(key);
        }
        revision = txnRev;
    }

    private void checkPutShape(PutRequest p) {
        if (p.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
        if (p.getIgnoreValue() && !p.getValue().isEmpty()) {
            throw EtcdError.VALUE_PROVIDED.exception();
        }
        if (p.getIgnoreLease() && p.getLease() != 0) {
            throw EtcdError.LEASE_PROVIDED.exception();
        }
    }

    private PutResponse put(PutRequest p, boolean topLevel) {
        if (topLevel) {
            checkPutShape(p);
            if (p.getLease() != 0 && !leases.containsKey(p.getLease())) {
                throw EtcdError.LEASE_NOT_FOUND.exception();
            }
        }
        KeyValue old = latest.get(p.getKey());
        if ((p.getIgnoreValue() || p.getIgnoreLease()) && old == null) {
            throw EtcdError.KEY_NOT_FOUND.exception();
        }
        ByteString value = p.getIgnoreValue() ? old.getValue() : p.getValue();
        long lease = p.getIgnoreLease() ? old.getLease() : p.getLease();
        KeyValue kv = KeyValue.newBuilder().setKey(p.getKey()).setValue(value).setLease(lease)
                .setCreateRevision(old == null ? txnRev : old.getCreateRevision())
                .setModRevision(txnRev)
                .setVersion(old == null ? 1 : old.getVersion() + 1)
                .build();
        change(p.getKey(), kv, true);
        PutResponse.Builder response = PutResponse.newBuilder().setHeader(header());
        if (p.getPrevKv() && old != null) {
            response.setPrevKv(old);
        }
        return response.build();
    }

    private List<KeyValue> inRange(ByteString key, ByteString end) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : latest.values()) {
            if (matches(kv.getKey(), key, end)) {
                out.add(kv);
            }
        }
        return out;
    }

    static boolean matches(ByteString candidate, ByteString key, ByteString end) {
        if (end.isEmpty()) {
            return candidate.equals(key);
        }
        if (end.size() == 1 && end.byteAt(0) == 0) {
            return BYTES.compare(candidate, key) >= 0;
        }
        return BYTES.compare(candidate, key) >= 0 && BYTES.compare(candidate, end) < 0;
    }

    private DeleteRangeResponse delete(DeleteRangeRequest d) {
        List<KeyValue> doomed = inRange(d.getKey(), d.getRangeEnd());
        for (KeyValue kv : doomed) {
            change(kv.getKey(), KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(txnRev).build(), false);
        }
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(doomed.size());
        if (d.getPrevKv()) {
            response.addAllPrevKvs(doomed);
        }
        return response.setHeader(header()).build();
    }

    private CompactionResponse compact(long rev) {
        if (rev <= compactRevision) {
            throw EtcdError.COMPACTED.exception();
        }
        if (rev > revision) {
            throw EtcdError.FUTURE_REVISION.exception();
        }
        compactRevision = rev;
        Map<ByteString, Change> lastAtOrBelow = new HashMap<>();
        for (Change c : history) {
            if (c.rev() <= rev) {
                lastAtOrBelow.put(c.kv().getKey(), c);
            }
        }
        history.removeIf(c -> c.rev() <= rev && (!c.put() || lastAtOrBelow.get(c.kv().getKey()) != c));
        return CompactionResponse.newBuilder().setHeader(header()).build();
    }

    private LeaseGrantResponse grant(long index, long id, long ttl) {
        if (id == 0) {
            long candidate = index;
            do {
                candidate = MvccWriter.splitMix64(candidate) & Long.MAX_VALUE;
            } while (candidate == 0 || leases.containsKey(candidate));
            id = candidate;
        }
        if (ttl > 9_000_000_000L) {
            throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
        }
        if (leases.containsKey(id)) {
            throw EtcdError.LEASE_EXISTS.exception();
        }
        long granted = Math.max(ttl, minTtl);
        leases.put(id, granted);
        return LeaseGrantResponse.newBuilder().setHeader(header()).setID(id).setTTL(granted).build();
    }

    private LeaseRevokeResponse revoke(long id) {
        if (!leases.containsKey(id)) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        for (KeyValue kv : new ArrayList<>(latest.values())) {
            if (kv.getLease() == id) {
                change(kv.getKey(), KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(txnRev).build(), false);
            }
        }
        leases.remove(id);
        return LeaseRevokeResponse.newBuilder().setHeader(header()).build();
    }

    Map<Long, List<ByteString>> leaseKeys() {
        Map<Long, List<ByteString>> out = new TreeMap<>();
        for (Long id : leases.keySet()) {
            out.put(id, new ArrayList<>());
        }
        for (KeyValue kv : latest.values()) {
            if (kv.getLease() != 0) {
                out.get(kv.getLease()).add(kv.getKey());
            }
        }
        return out;
    }

    // ---- reads

    private List<KeyValue> at(long rev, ByteString key, ByteString end) {
        if (rev == revision) {
            return inRange(key, end);
        }
        TreeMap<ByteString, Change> last = new TreeMap<>(BYTES);
        for (Change c : history) {
            if (c.rev() <= rev && matches(c.kv().getKey(), key, end)) {
                last.put(c.kv().getKey(), c);
            }
        }
        List<KeyValue> out = new ArrayList<>();
        for (Change c : last.values()) {
            if (c.put()) {
                out.add(c.kv());
            }
        }
        return out;
    }

    RangeResponse range(RangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
        if (r.getRevision() > revision) {
            throw EtcdError.FUTURE_REVISION.exception();
        }
        long rev = r.getRevision() <= 0 ? revision : r.getRevision();
        if (rev < compactRevision) {
            throw EtcdError.COMPACTED.exception();
        }
        List<KeyValue> all = at(rev, r.getKey(), r.getRangeEnd());
        List<KeyValue> fetched = all;
        boolean filtered = r.getMinModRevision() != 0 || r.getMaxModRevision() != 0
                || r.getMinCreateRevision() != 0 || r.getMaxCreateRevision() != 0;
        if (r.getLimit() > 0 && r.getSortOrder() == RangeRequest.SortOrder.NONE && !filtered
                && all.size() > r.getLimit() + 1) {
            // etcd quirk: with sort order NONE it reads limit+1 keys in key order before sorting by target
            fetched = all.subList(0, (int) r.getLimit() + 1);
        }
        List<KeyValue> kvs = new ArrayList<>();
        for (KeyValue kv : fetched) {
            boolean out = (r.getMaxModRevision() != 0 && kv.getModRevision() > r.getMaxModRevision())
                    || (r.getMinModRevision() != 0 && kv.getModRevision() < r.getMinModRevision())
                    || (r.getMaxCreateRevision() != 0 && kv.getCreateRevision() > r.getMaxCreateRevision())
                    || (r.getMinCreateRevision() != 0 && kv.getCreateRevision() < r.getMinCreateRevision());
            if (!out) {
                kvs.add(kv);
            }
        }
        Comparator<KeyValue> byTarget = switch (r.getSortTarget()) {
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE -> (a, b) -> BYTES.compare(a.getValue(), b.getValue());
            default -> (a, b) -> BYTES.compare(a.getKey(), b.getKey());
        };
        if (r.getSortOrder() == RangeRequest.SortOrder.DESCEND) {
            kvs.sort(byTarget.reversed());
        } else if (r.getSortOrder() == RangeRequest.SortOrder.ASCEND || r.getSortTarget() != RangeRequest.SortTarget.KEY) {
            kvs.sort(byTarget);
        }
        RangeResponse.Builder response = RangeResponse.newBuilder().setHeader(header()).setCount(all.size());
        if (r.getCountOnly()) {
            return response.build();
        }
        if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
            kvs = kvs.subList(0, (int) r.getLimit());
            response.setMore(true);
        }
        for (KeyValue kv : kvs) {
            response.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return response.build();
    }

    /** Events with revision >= from on the keys of the range, in order (the watch history). */
    List<Event> history(long from, ByteString key, ByteString end) {
        List<Event> out = new ArrayList<>();
        for (Change c : history) {
            if (c.rev() >= from && matches(c.kv().getKey(), key, end)) {
                out.add(Event.newBuilder().setType(c.put() ? Event.EventType.PUT : Event.EventType.DELETE)
                        .setKv(c.kv()).build());
            }
        }
        return out;
    }

    // ---- txn

    private boolean compare(Compare c) {
        List<KeyValue> kvs = inRange(c.getKey(), c.getRangeEnd());
        if (kvs.isEmpty()) {
            return c.getTarget() != Compare.CompareTarget.VALUE && holds(c, KeyValue.getDefaultInstance());
        }
        return kvs.stream().allMatch(kv -> holds(c, kv));
    }

    private static boolean holds(Compare c, KeyValue kv) {
        int cmp = switch (c.getTarget()) {
            case VERSION -> Long.compare(kv.getVersion(), c.hasVersion() ? c.getVersion() : 0);
            case CREATE -> Long.compare(kv.getCreateRevision(), c.hasCreateRevision() ? c.getCreateRevision() : 0);
            case MOD -> Long.compare(kv.getModRevision(), c.hasModRevision() ? c.getModRevision() : 0);
            case LEASE -> Long.compare(kv.getLease(), c.hasLease() ? c.getLease() : 0);
            case VALUE -> BYTES.compare(kv.getValue(), c.hasValue() ? c.getValue() : ByteString.EMPTY);
            default -> 0;
        };
        return switch (c.getResult()) {
            case EQUAL -> cmp == 0;
            case NOT_EQUAL -> cmp != 0;
            case GREATER -> cmp > 0;
            case LESS -> cmp < 0;
            default -> false;
        };
    }

    /** A txn as a tree with each level's chosen branch decided up front on the pre-txn state. */
    private record Decided(TxnRequest txn, boolean succeeded, List<Decided> nested) {
        List<RequestOp> ops() {
            return succeeded ? txn.getSuccessList() : txn.getFailureList();
        }
    }

    private Decided decide(TxnRequest txn) {
        boolean ok = txn.getCompareList().stream().allMatch(this::compare);
        List<Decided> nested = new ArrayList<>();
        for (RequestOp op : ok ? txn.getSuccessList() : txn.getFailureList()) {
            if (op.hasRequestTxn()) {
                nested.add(decide(op.getRequestTxn()));
            }
        }
        return new Decided(txn, ok, nested);
    }

    private void checkPuts(Decided d) {
        int n = 0;
        for (RequestOp op : d.ops()) {
            if (op.hasRequestTxn()) {
                checkPuts(d.nested().get(n++));
            } else if (op.hasRequestPut()) {
                PutRequest p = op.getRequestPut();
                if ((p.getIgnoreValue() || p.getIgnoreLease()) && !latest.containsKey(p.getKey())) {
                    throw EtcdError.KEY_NOT_FOUND.exception();
                }
                if (p.getLease() != 0 && !leases.containsKey(p.getLease())) {
                    throw EtcdError.LEASE_NOT_FOUND.exception();
                }
            }
        }
    }

    private void checkRanges(Decided d) {
        int n = 0;
        for (RequestOp op : d.ops()) {
            if (op.hasRequestTxn()) {
                checkRanges(d.nested().get(n++));
            } else if (op.hasRequestRange() && op.getRequestRange().getRevision() != 0) {
                long rev = op.getRequestRange().getRevision();
                if (rev > revision) {
                    throw EtcdError.FUTURE_REVISION.exception();
                }
                if (rev < compactRevision) {
                    throw EtcdError.COMPACTED.exception();
                }
            }
        }
    }

    private TxnResponse execute(Decided d) {
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(d.succeeded());
        int n = 0;
        for (RequestOp op : d.ops()) {
            ResponseOp.Builder r = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> r.setResponseRange(range(op.getRequestRange()));
                case REQUEST_PUT -> r.setResponsePut(put(op.getRequestPut(), false));
                case REQUEST_DELETE_RANGE -> r.setResponseDeleteRange(delete(op.getRequestDeleteRange()));
                case REQUEST_TXN -> r.setResponseTxn(execute(d.nested().get(n++)));
                default -> { }
            }
            response.addResponses(r);
        }
        return response.setHeader(header()).build();
    }

    /** Runs a txn; {@code write} false = a read-only evaluation (no log entry). */
    TxnResponse txn(TxnRequest txn, boolean write) {
        RequestValidation.checkTxn(txn); // the static rules are tested on their own in TxnTest
        Decided decided = decide(txn);
        if (write && !RequestValidation.isReadOnly(txn)) {
            checkPuts(decided);
        }
        checkRanges(decided);
        return execute(decided);
    }
}
