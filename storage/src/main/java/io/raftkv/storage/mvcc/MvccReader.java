package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.internal.LeaseRecord;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.proto.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.rocksdb.RocksIterator;

/**
 * etcd's read semantics over one {@link StateView}: single keys, ranges at the current or a
 * historical revision, compares. The current revision is served from the {@code kv} family
 * alone; only historical reads walk the history index.
 */
class MvccReader {
    final StateView view;
    final MvccDatabase tables;
    long revision;
    long compactRevision;

    MvccReader(StateView view, long revision, long compactRevision) {
        this.view = view;
        this.tables = view.tables;
        this.revision = revision;
        this.compactRevision = compactRevision;
    }

    long revision() {
        return revision;
    }

    Optional<KeyValue> latest(byte[] key) {
        byte[] value = view.get(tables.kv, key);
        return value == null ? Optional.empty() : Optional.of(parseLatest(key, value));
    }

    static KeyValue parseLatest(byte[] key, byte[] stored) {
        try {
            return KeyValue.parseFrom(stored).toBuilder().setKey(ByteString.copyFrom(key)).build();
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("corrupt kv row for key " + ByteString.copyFrom(key).toStringUtf8(), e);
        }
    }

    Optional<LeaseRecord> lease(long id) {
        byte[] value = view.get(tables.leases, KeyCodec.leaseKey(id));
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LeaseRecord.parseFrom(value));
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("corrupt lease row " + id, e);
        }
    }

    Event event(long main, int sub) {
        byte[] value = view.get(tables.events, KeyCodec.revisionKey(main, sub));
        if (value == null) {
            throw new StorageException("history index points at missing event " + main + "." + sub);
        }
        try {
            return Event.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageException("corrupt event " + main + "." + sub, e);
        }
    }

    /** Keys in range at {@code atRevision}, at most {@code fetchLimit} (0 = all), and the total count. */
    record Scan(List<KeyValue> kvs, long count) {}

    /** Resolves etcd's revision argument (0 = current) or throws the future/compacted error. */
    long readRevision(long requested) {
        if (requested > revision) {
            throw EtcdError.FUTURE_REVISION.exception();
        }
        long rev = requested <= 0 ? revision : requested;
        if (rev < compactRevision) {
            throw EtcdError.COMPACTED.exception();
        }
        return rev;
    }

    Scan scan(KeyRange range, long atRevision, long fetchLimit, boolean countOnly) {
        if (range.isEmpty()) {
            return new Scan(List.of(), 0);
        }
        return atRevision == revision
                ? scanLatest(range, fetchLimit, countOnly)
                : scanHistory(range, atRevision, fetchLimit, countOnly);
    }

    private Scan scanLatest(KeyRange range, long fetchLimit, boolean countOnly) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        try (RocksIterator it = view.iterator(tables.kv)) {
            for (it.seek(range.key()); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (range.isPast(key)) {
                    break;
                }
                count++;
                if (!countOnly && (fetchLimit <= 0 || kvs.size() < fetchLimit)) {
                    kvs.add(parseLatest(key, it.value()));
                }
                if (range.kind() == KeyRange.Kind.SINGLE) {
                    break;
                }
            }
        }
        return new Scan(kvs, count);
    }

    private Scan scanHistory(KeyRange range, long atRevision, long fetchLimit, boolean countOnly) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        byte[] current = null;
        KeyCodec.HistoryKey best = null;
        byte bestType = 0;
        try (RocksIterator it = view.iterator(tables.history)) {
            for (it.seek(KeyCodec.historySeek(range.key())); ; it.next()) {
                KeyCodec.HistoryKey row = it.isValid() ? KeyCodec.decodeHistoryKey(it.key()) : null;
                boolean sameKey = row != null && current != null && Arrays.equals(row.userKey(), current);
                if (!sameKey && current != null) {
                    if (best != null && bestType == 'P') {
                        count++;
                        if (!countOnly && (fetchLimit <= 0 || kvs.size() < fetchLimit)) {
                            kvs.add(event(best.main(), best.sub()).getKv());
                        }
                    }
                    best = null;
                }
                if (row == null || range.isPast(row.userKey())) {
                    break;
                }
                current = row.userKey();
                if (!range.contains(current)) {
                    continue;
                }
                if (row.main() <= atRevision) {
                    best = row;
                    bestType = it.value()[0];
                }
            }
        }
        return new Scan(kvs, count);
    }

    /** etcd's Range: filters after the scan, sort, limit with {@code more}, total {@code count}. */
    RangeResponse range(RangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
        long rev = readRevision(request.getRevision());
        boolean filtered = request.getMinModRevision() != 0 || request.getMaxModRevision() != 0
                || request.getMinCreateRevision() != 0 || request.getMaxCreateRevision() != 0;
        long fetchLimit = request.getLimit() > 0 && request.getSortOrder() == RangeRequest.SortOrder.NONE && !filtered
                ? request.getLimit() + 1
                : 0;
        Scan scan = scan(KeyRange.of(request.getKey(), request.getRangeEnd()), rev, fetchLimit, request.getCountOnly());
        List<KeyValue> kvs = new ArrayList<>(scan.kvs());
        kvs.removeIf(kv -> (request.getMaxModRevision() != 0 && kv.getModRevision() > request.getMaxModRevision())
                || (request.getMinModRevision() != 0 && kv.getModRevision() < request.getMinModRevision())
                || (request.getMaxCreateRevision() != 0 && kv.getCreateRevision() > request.getMaxCreateRevision())
                || (request.getMinCreateRevision() != 0 && kv.getCreateRevision() < request.getMinCreateRevision()));
        sort(kvs, request.getSortOrder(), request.getSortTarget());
        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision))
                .setCount(scan.count());
        if (request.getLimit() > 0 && kvs.size() > request.getLimit()) {
            kvs = kvs.subList(0, (int) request.getLimit());
            response.setMore(true);
        }
        for (KeyValue kv : kvs) {
            response.addKvs(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return response.build();
    }

    /** Sorting as etcd does it; ties keep key order, so every replica answers alike. */
    static void sort(List<KeyValue> kvs, RangeRequest.SortOrder order, RangeRequest.SortTarget target) {
        if (order == RangeRequest.SortOrder.NONE && target != RangeRequest.SortTarget.KEY) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order == RangeRequest.SortOrder.NONE
                || (order == RangeRequest.SortOrder.ASCEND && target == RangeRequest.SortTarget.KEY)) {
            return;
        }
        Comparator<KeyValue> comparator = switch (target) {
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE -> (a, b) -> ByteString.unsignedLexicographicalComparator().compare(a.getValue(), b.getValue());
            default -> (a, b) -> ByteString.unsignedLexicographicalComparator().compare(a.getKey(), b.getKey());
        };
        kvs.sort(order == RangeRequest.SortOrder.DESCEND ? comparator.reversed() : comparator);
    }

    /** A compare holds when every key of its range satisfies it; an empty range compares a zero kv. */
    boolean compare(Compare c) {
        Scan scan = scan(KeyRange.of(c.getKey(), c.getRangeEnd()), revision, 0, false);
        if (scan.kvs().isEmpty()) {
            return c.getTarget() != Compare.CompareTarget.VALUE && compareKv(c, KeyValue.getDefaultInstance());
        }
        for (KeyValue kv : scan.kvs()) {
            if (!compareKv(c, kv)) {
                return false;
            }
        }
        return true;
    }

    static boolean compareKv(Compare c, KeyValue kv) {
        int result = switch (c.getTarget()) {
            case VALUE -> ByteString.unsignedLexicographicalComparator().compare(kv.getValue(),
                    c.getTargetUnionCase() == Compare.TargetUnionCase.VALUE ? c.getValue() : ByteString.EMPTY);
            case CREATE -> Long.compare(kv.getCreateRevision(),
                    c.getTargetUnionCase() == Compare.TargetUnionCase.CREATE_REVISION ? c.getCreateRevision() : 0);
            case MOD -> Long.compare(kv.getModRevision(),
                    c.getTargetUnionCase() == Compare.TargetUnionCase.MOD_REVISION ? c.getModRevision() : 0);
            case VERSION -> Long.compare(kv.getVersion(),
                    c.getTargetUnionCase() == Compare.TargetUnionCase.VERSION ? c.getVersion() : 0);
            case LEASE -> Long.compare(kv.getLease(),
                    c.getTargetUnionCase() == Compare.TargetUnionCase.LEASE ? c.getLease() : 0);
            default -> 0;
        };
        return switch (c.getResult()) {
            case EQUAL -> result == 0;
            case NOT_EQUAL -> result != 0;
            case GREATER -> result > 0;
            case LESS -> result < 0;
            default -> false;
        };
    }
}
