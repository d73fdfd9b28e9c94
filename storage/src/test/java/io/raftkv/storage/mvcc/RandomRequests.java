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
import java.util.List;
import java.util.Random;

/**
 * Random etcd requests over a small key space (with prefixes and zero bytes, so ranges and
 * history ordering are exercised) and revisions near the current one, so that compactions,
 * historical reads and their errors all happen often. Deterministic for a given Random.
 */
final class RandomRequests {
    private static final List<ByteString> KEYS = List.of(bs("a"), bs("ab"), bs("abc"), bs("b"),
            ByteString.copyFrom(new byte[] {'b', 0}), bs("c"), ByteString.copyFrom(new byte[] {'c', (byte) 0xFF}), bs("d"));
    private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

    private final Random random;

    RandomRequests(Random random) {
        this.random = random;
    }

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    ByteString key() {
        return KEYS.get(random.nextInt(KEYS.size()));
    }

    private ByteString rangeEnd() {
        int pick = random.nextInt(10);
        if (pick < 4) {
            return ByteString.EMPTY;
        }
        if (pick < 5) {
            return FROM_KEY;
        }
        return key();
    }

    private ByteString value() {
        return random.nextInt(8) == 0 ? ByteString.EMPTY : bs("v" + random.nextInt(5));
    }

    private long leaseId(List<Long> leases) {
        int pick = random.nextInt(10);
        if (pick < 6 || leases.isEmpty()) {
            return pick == 9 ? 77 : 0;
        }
        return leases.get(random.nextInt(leases.size()));
    }

    PutRequest put(List<Long> leases) {
        PutRequest.Builder put = PutRequest.newBuilder().setKey(random.nextInt(40) == 0 ? ByteString.EMPTY : key())
                .setValue(value()).setLease(leaseId(leases)).setPrevKv(random.nextBoolean());
        int ignore = random.nextInt(14);
        if (ignore == 0) {
            put.setIgnoreValue(true).setValue(random.nextInt(4) == 0 ? bs("x") : ByteString.EMPTY);
        } else if (ignore == 1) {
            put.setIgnoreLease(true).setLease(random.nextInt(4) == 0 ? 1 : 0);
        }
        return put.build();
    }

    DeleteRangeRequest delete() {
        return DeleteRangeRequest.newBuilder().setKey(key()).setRangeEnd(rangeEnd()).setPrevKv(random.nextBoolean()).build();
    }

    long revisionNear(long compactRevision, long revision) {
        if (random.nextInt(3) == 0) {
            return 0;
        }
        long low = Math.max(1, compactRevision - 1);
        return low + random.nextInt((int) (revision + 2 - low));
    }

    RangeRequest range(long compactRevision, long revision) {
        RangeRequest.Builder range = RangeRequest.newBuilder().setKey(random.nextInt(50) == 0 ? ByteString.EMPTY : key())
                .setRangeEnd(rangeEnd()).setRevision(revisionNear(compactRevision, revision));
        if (random.nextInt(3) == 0) {
            range.setLimit(1 + random.nextInt(3));
        }
        if (random.nextInt(3) == 0) {
            range.setSortOrder(RangeRequest.SortOrder.forNumber(random.nextInt(3)));
            range.setSortTarget(RangeRequest.SortTarget.forNumber(random.nextInt(5)));
        }
        switch (random.nextInt(10)) {
            case 0 -> range.setMinModRevision(1 + random.nextInt((int) revision + 1));
            case 1 -> range.setMaxModRevision(1 + random.nextInt((int) revision + 1));
            case 2 -> range.setMinCreateRevision(1 + random.nextInt((int) revision + 1));
            case 3 -> range.setMaxCreateRevision(1 + random.nextInt((int) revision + 1));
            default -> { }
        }
        range.setKeysOnly(random.nextInt(6) == 0).setCountOnly(random.nextInt(8) == 0);
        return range.build();
    }

    private Compare compare(long revision) {
        Compare.Builder c = Compare.newBuilder().setKey(key())
                .setResult(Compare.CompareResult.forNumber(random.nextInt(4)))
                .setTarget(Compare.CompareTarget.forNumber(random.nextInt(5)));
        if (random.nextInt(5) == 0) {
            c.setRangeEnd(rangeEnd());
        }
        long number = random.nextInt((int) revision + 2);
        switch (c.getTarget()) {
            case VERSION -> c.setVersion(random.nextInt(3));
            case CREATE -> c.setCreateRevision(number);
            case MOD -> c.setModRevision(number);
            case LEASE -> c.setLease(random.nextBoolean() ? 0 : 1);
            default -> c.setValue(value());
        }
        return c.build();
    }

    TxnRequest txn(int depth, boolean readOnly, List<Long> leases, long compactRevision, long revision) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        if (random.nextInt(100) == 0) {
            for (int i = 0; i < RequestValidation.MAX_TXN_OPS + 1; i++) {
                txn.addCompare(compare(revision));
            }
            return txn.build();
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            txn.addCompare(compare(revision));
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            txn.addSuccess(op(depth, readOnly, leases, compactRevision, revision));
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            txn.addFailure(op(depth, readOnly, leases, compactRevision, revision));
        }
        return txn.build();
    }

    private RequestOp op(int depth, boolean readOnly, List<Long> leases, long compactRevision, long revision) {
        int pick = random.nextInt(readOnly ? 2 : 5);
        if (pick == 1 && depth < 2) {
            return RequestOp.newBuilder().setRequestTxn(txn(depth + 1, readOnly, leases, compactRevision, revision)).build();
        }
        return switch (pick) {
            case 2, 3 -> RequestOp.newBuilder().setRequestPut(put(leases)).build();
            case 4 -> RequestOp.newBuilder().setRequestDeleteRange(delete()).build();
            default -> RequestOp.newBuilder().setRequestRange(range(compactRevision, revision)).build();
        };
    }

    /** A write request for the log, or null when the next step should be a read instead. */
    InternalRequest write(List<Long> leases, long compactRevision, long revision) {
        int pick = random.nextInt(100);
        InternalRequest.Builder request = InternalRequest.newBuilder();
        if (pick < 38) {
            return request.setPut(put(leases)).build();
        } else if (pick < 52) {
            return request.setDeleteRange(delete()).build();
        } else if (pick < 78) {
            return request.setTxn(txn(0, false, leases, compactRevision, revision)).build();
        } else if (pick < 85) {
            long target = Math.max(0, compactRevision) + random.nextInt((int) (revision - Math.max(0, compactRevision) + 2)) - 1;
            return request.setCompaction(CompactionRequest.newBuilder().setRevision(target)).build();
        } else if (pick < 94) {
            long id = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3);
            long ttl = random.nextInt(20) == 0 ? 9_000_000_001L : random.nextInt(10);
            return request.setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl)).build();
        }
        long id = !leases.isEmpty() && random.nextBoolean() ? leases.get(random.nextInt(leases.size())) : 1 + random.nextInt(3);
        return request.setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)).build();
    }
}
