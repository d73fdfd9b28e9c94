package io.raftkv.server.api;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.CompactionRequest;
import io.raftkv.proto.etcd.CompactionResponse;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.DeleteRangeResponse;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.ResponseOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.etcd.TxnResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.server.node.RaftKvNode;
import io.raftkv.storage.mvcc.RequestValidation;

import java.util.concurrent.CompletableFuture;

/**
 * etcd's KV service. Reads are linearizable by default (a ReadIndex barrier, then a local read)
 * and serializable on request (local at once); writes go through the log; a txn that writes
 * nothing is evaluated like a read, without a log entry.
 */
public final class KvService extends KVGrpc.KVImplBase {
    private final RaftKvNode node;
    private final NodeGuards guards;

    public KvService(RaftKvNode node, NodeGuards guards) {
        this.node = node;
        this.guards = guards;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> response) {
        try {
            Calls.checkSize(request, node.config().maxRequestBytes());
            RequestValidation.checkRange(request);
            if (!request.getSerializable()) {
                guards.refuseLearner();
            }
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        CompletableFuture<Void> barrier = request.getSerializable()
                ? CompletableFuture.completedFuture(null) : node.linearizableBarrier();
        Calls.reply(barrier.thenApply(v -> withHeader(node.store().range(request))), response);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> response) {
        try {
            Calls.checkSize(request, node.config().maxRequestBytes());
            guards.refuseLearner();
            RequestValidation.checkPut(request);
            guards.refuseWhenNoSpace();
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        Calls.reply(node.propose(InternalRequest.newBuilder().setPut(request).build())
                .thenApply(m -> {
                    PutResponse r = (PutResponse) m;
                    return r.toBuilder().setHeader(node.header(r.getHeader().getRevision())).build();
                }), response);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> response) {
        try {
            Calls.checkSize(request, node.config().maxRequestBytes());
            guards.refuseLearner();
            RequestValidation.checkDeleteRange(request);
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        Calls.reply(node.propose(InternalRequest.newBuilder().setDeleteRange(request).build())
                .thenApply(m -> {
                    DeleteRangeResponse r = (DeleteRangeResponse) m;
                    return r.toBuilder().setHeader(node.header(r.getHeader().getRevision())).build();
                }), response);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> response) {
        boolean readOnly;
        try {
            Calls.checkSize(request, node.config().maxRequestBytes());
            RequestValidation.checkTxn(request);
            readOnly = RequestValidation.isReadOnly(request);
            if (!readOnly || !allSerializable(request)) {
                guards.refuseLearner();
            }
            if (!readOnly) {
                guards.refuseWhenNoSpace();
            }
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        if (readOnly) {
            CompletableFuture<Void> barrier = allSerializable(request)
                    ? CompletableFuture.completedFuture(null) : node.linearizableBarrier();
            Calls.reply(barrier.thenApply(v -> withHeaders(node.store().txnReadOnly(request))), response);
            return;
        }
        Calls.reply(node.propose(InternalRequest.newBuilder().setTxn(request).build())
                .thenApply(m -> withHeaders((TxnResponse) m)), response);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> response) {
        try {
            guards.refuseLearner();
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        Calls.reply(node.propose(InternalRequest.newBuilder().setCompaction(request).build())
                .thenApply(m -> {
                    CompactionResponse r = (CompactionResponse) m;
                    return r.toBuilder().setHeader(node.header(r.getHeader().getRevision())).build();
                }), response);
    }

    private static boolean allSerializable(TxnRequest txn) {
        return txn.getSuccessList().stream().allMatch(KvService::serializableOp)
                && txn.getFailureList().stream().allMatch(KvService::serializableOp);
    }

    private static boolean serializableOp(io.raftkv.proto.etcd.RequestOp op) {
        return switch (op.getRequestCase()) {
            case REQUEST_RANGE -> op.getRequestRange().getSerializable();
            case REQUEST_TXN -> allSerializable(op.getRequestTxn());
            default -> false;
        };
    }

    private RangeResponse withHeader(RangeResponse r) {
        return r.toBuilder().setHeader(node.header(r.getHeader().getRevision())).build();
    }

    /** Every nested response gets the full header too: clients dereference them. */
    private TxnResponse withHeaders(TxnResponse r) {
        TxnResponse.Builder b = r.toBuilder().setHeader(node.header(r.getHeader().getRevision()));
        for (int i = 0; i < b.getResponsesCount(); i++) {
            ResponseOp op = b.getResponses(i);
            ResponseOp.Builder ob = op.toBuilder();
            switch (op.getResponseCase()) {
                case RESPONSE_RANGE -> ob.setResponseRange(op.getResponseRange().toBuilder()
                        .setHeader(node.header(op.getResponseRange().getHeader().getRevision())));
                case RESPONSE_PUT -> ob.setResponsePut(op.getResponsePut().toBuilder()
                        .setHeader(node.header(op.getResponsePut().getHeader().getRevision())));
                case RESPONSE_DELETE_RANGE -> ob.setResponseDeleteRange(op.getResponseDeleteRange().toBuilder()
                        .setHeader(node.header(op.getResponseDeleteRange().getHeader().getRevision())));
                case RESPONSE_TXN -> ob.setResponseTxn(withHeaders(op.getResponseTxn()));
                default -> { }
            }
            b.setResponses(i, ob);
        }
        return b.build();
    }
}
