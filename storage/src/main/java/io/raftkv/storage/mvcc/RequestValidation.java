package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.TxnRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes on a request before it is proposed (v3rpc's key_check and the txn
 * interval check). The server should run them to refuse early; the state machine runs them
 * again at apply, which is deterministic and so safe on every replica.
 */
public final class RequestValidation {
    /** etcd's default --max-txn-ops. */
    public static final int MAX_TXN_OPS = 128;

    private RequestValidation() {}

    public static void checkRange(RangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
    }

    public static void checkPut(PutRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
        if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
            throw EtcdError.VALUE_PROVIDED.exception();
        }
        if (request.getIgnoreLease() && request.getLease() != 0) {
            throw EtcdError.LEASE_PROVIDED.exception();
        }
    }

    public static void checkDeleteRange(DeleteRangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
    }

    /** The op-count and empty-key checks (recursively), then the duplicate-key check of both branches. */
    public static void checkTxn(TxnRequest txn) {
        checkTxnOps(txn);
        checkIntervals(txn.getSuccessList());
        checkIntervals(txn.getFailureList());
    }

    private static void checkTxnOps(TxnRequest txn) {
        int ops = Math.max(txn.getCompareCount(), Math.max(txn.getSuccessCount(), txn.getFailureCount()));
        if (ops > MAX_TXN_OPS) {
            throw EtcdError.TOO_MANY_OPS.exception();
        }
        for (Compare c : txn.getCompareList()) {
            if (c.getKey().isEmpty()) {
                throw EtcdError.KEY_NOT_PROVIDED.exception();
            }
        }
        for (RequestOp op : txn.getSuccessList()) {
            checkOp(op);
        }
        for (RequestOp op : txn.getFailureList()) {
            checkOp(op);
        }
    }

    private static void checkOp(RequestOp op) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE -> checkRange(op.getRequestRange());
            case REQUEST_PUT -> checkPut(op.getRequestPut());
            case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
            case REQUEST_TXN -> checkTxnOps(op.getRequestTxn());
            default -> { }
        }
    }

    /** True when no branch, at any depth, writes: such a txn is served without a log entry. */
    public static boolean isReadOnly(TxnRequest txn) {
        return isReadOnly(txn.getSuccessList()) && isReadOnly(txn.getFailureList());
    }

    private static boolean isReadOnly(List<RequestOp> ops) {
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_PUT, REQUEST_DELETE_RANGE -> {
                    return false;
                }
                case REQUEST_TXN -> {
                    if (!isReadOnly(op.getRequestTxn())) {
                        return false;
                    }
                }
                default -> { }
            }
        }
        return true;
    }

    /**
     * A deleted interval, compared the way etcd's affine string intervals are: the range end
     * is taken literally, so a "\0" end denotes an empty interval (as in etcd).
     */
    private record Interval(ByteString begin, ByteString end) {
        static Interval of(DeleteRangeRequest d) {
            return d.getRangeEnd().isEmpty()
                    ? new Interval(d.getKey(), d.getKey().concat(ByteString.copyFrom(new byte[] {0})))
                    : new Interval(d.getKey(), d.getRangeEnd());
        }

        boolean containsPoint(ByteString key) {
            var cmp = ByteString.unsignedLexicographicalComparator();
            return cmp.compare(begin, key) <= 0 && cmp.compare(key, end) < 0;
        }
    }

    private record PutsAndDeletes(Set<ByteString> puts, List<Interval> deletes) {}

    /** etcd's checkIntervals: a key put twice, or put and deleted, in one branch is a duplicate. */
    private static PutsAndDeletes checkIntervals(List<RequestOp> ops) {
        List<Interval> deletes = new ArrayList<>();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                deletes.add(Interval.of(op.getRequestDeleteRange()));
            }
        }
        Set<ByteString> puts = new HashSet<>();
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            PutsAndDeletes then = checkIntervals(op.getRequestTxn().getSuccessList());
            PutsAndDeletes otherwise = checkIntervals(op.getRequestTxn().getFailureList());
            for (ByteString key : then.puts()) {
                if (puts.contains(key) || deleted(deletes, key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                puts.add(key);
            }
            for (ByteString key : otherwise.puts()) {
                // then and else are exclusive, so a key put in both is fine
                if ((puts.contains(key) && !then.puts().contains(key)) || deleted(deletes, key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                puts.add(key);
            }
            deletes.addAll(then.deletes());
            deletes.addAll(otherwise.deletes());
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestPut()) {
                continue;
            }
            ByteString key = op.getRequestPut().getKey();
            if (puts.contains(key) || deleted(deletes, key)) {
                throw EtcdError.DUPLICATE_KEY.exception();
            }
            puts.add(key);
        }
        return new PutsAndDeletes(puts, deletes);
    }

    private static boolean deleted(List<Interval> deletes, ByteString key) {
        for (Interval interval : deletes) {
            if (interval.containsPoint(key)) {
                return true;
            }
        }
        return false;
    }
}
