package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.CompactionRequest;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.LeaseGrantRequest;
import io.raftkv.proto.etcd.LeaseRevokeRequest;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.internal.InternalRequest;
import java.nio.charset.StandardCharsets;

/** Short builders for the requests tests send. */
final class Requests {
    private Requests() {}

    static ByteString bs(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build();
    }

    static InternalRequest of(PutRequest put) {
        return InternalRequest.newBuilder().setPut(put).build();
    }

    static InternalRequest of(DeleteRangeRequest delete) {
        return InternalRequest.newBuilder().setDeleteRange(delete).build();
    }

    static InternalRequest of(TxnRequest txn) {
        return InternalRequest.newBuilder().setTxn(txn).build();
    }

    static InternalRequest compact(long revision) {
        return InternalRequest.newBuilder().setCompaction(CompactionRequest.newBuilder().setRevision(revision)).build();
    }

    static InternalRequest grant(long id, long ttl) {
        return InternalRequest.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl)).build();
    }

    static InternalRequest revoke(long id) {
        return InternalRequest.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)).build();
    }

    static DeleteRangeRequest delete(String key, String end) {
        return DeleteRangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end)).build();
    }

    static RangeRequest.Builder range(String key, String end) {
        return RangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end));
    }

    static RequestOp op(PutRequest put) {
        return RequestOp.newBuilder().setRequestPut(put).build();
    }

    static RequestOp op(DeleteRangeRequest delete) {
        return RequestOp.newBuilder().setRequestDeleteRange(delete).build();
    }

    static RequestOp op(RangeRequest range) {
        return RequestOp.newBuilder().setRequestRange(range).build();
    }

    static RequestOp op(TxnRequest txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    static Compare compare(String key, Compare.CompareTarget target, Compare.CompareResult result, long number) {
        Compare.Builder c = Compare.newBuilder().setKey(bs(key)).setTarget(target).setResult(result);
        switch (target) {
            case VERSION -> c.setVersion(number);
            case CREATE -> c.setCreateRevision(number);
            case MOD -> c.setModRevision(number);
            case LEASE -> c.setLease(number);
            default -> throw new IllegalArgumentException("use compareValue");
        }
        return c.build();
    }

    static Compare compareValue(String key, Compare.CompareResult result, String value) {
        return Compare.newBuilder().setKey(bs(key)).setTarget(Compare.CompareTarget.VALUE).setResult(result)
                .setValue(bs(value)).build();
    }
}
