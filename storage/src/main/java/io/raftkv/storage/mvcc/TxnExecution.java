package io.raftkv.storage.mvcc;

import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.etcd.ResponseOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.etcd.TxnResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's txn, in its order: every compare on the chosen path (nested txns included) is
 * evaluated on the state before the txn; then the chosen ops are checked (puts: key
 * exists for ignore_*, lease exists; ranges: revision not future nor compacted) on that
 * same state, so a refused txn changes nothing; then the ops run in order, later ops
 * seeing earlier writes, all writes sharing one revision.
 */
final class TxnExecution {
    private final MvccReader reader;
    private final MvccWriter writer; // null for a read-only txn
    private final List<Boolean> path = new ArrayList<>();
    private int cursor;

    private TxnExecution(MvccReader reader) {
        this.reader = reader;
        this.writer = reader instanceof MvccWriter w ? w : null;
    }

    static TxnResponse run(MvccReader reader, TxnRequest txn) {
        RequestValidation.checkTxn(txn);
        boolean readOnly = RequestValidation.isReadOnly(txn);
        if (!readOnly && !(reader instanceof MvccWriter)) {
            throw new IllegalArgumentException("a txn that writes must go through the log");
        }
        TxnExecution execution = new TxnExecution(reader);
        execution.choosePath(txn);
        if (!readOnly) {
            execution.cursor = 0;
            execution.checkChosen(txn, true);
        }
        execution.cursor = 0;
        execution.checkChosen(txn, false);
        execution.cursor = 0;
        return execution.execute(txn);
    }

    private void choosePath(TxnRequest txn) {
        boolean succeeded = true;
        for (Compare c : txn.getCompareList()) {
            if (!reader.compare(c)) {
                succeeded = false;
                break;
            }
        }
        path.add(succeeded);
        for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
            if (op.hasRequestTxn()) {
                choosePath(op.getRequestTxn());
            }
        }
    }

    private void checkChosen(TxnRequest txn, boolean puts) {
        boolean succeeded = path.get(cursor++);
        for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
            switch (op.getRequestCase()) {
                case REQUEST_TXN -> checkChosen(op.getRequestTxn(), puts);
                case REQUEST_PUT -> {
                    if (puts) {
                        writer.checkPutInTxn(op.getRequestPut());
                    }
                }
                case REQUEST_RANGE -> {
                    if (!puts) {
                        checkRangeRevision(op.getRequestRange());
                    }
                }
                default -> { }
            }
        }
    }

    private void checkRangeRevision(RangeRequest range) {
        if (range.getRevision() == 0) {
            return;
        }
        if (range.getRevision() > reader.revision) {
            throw EtcdError.FUTURE_REVISION.exception();
        }
        if (range.getRevision() < reader.compactRevision) {
            throw EtcdError.COMPACTED.exception();
        }
    }

    private TxnResponse execute(TxnRequest txn) {
        boolean succeeded = path.get(cursor++);
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded);
        for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(reader.range(op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(writer.putChecked(op.getRequestPut()));
                case REQUEST_DELETE_RANGE -> result.setResponseDeleteRange(writer.deleteRange(op.getRequestDeleteRange()));
                case REQUEST_TXN -> result.setResponseTxn(execute(op.getRequestTxn()));
                default -> { }
            }
            response.addResponses(result);
        }
        return response.setHeader(ResponseHeader.newBuilder().setRevision(reader.revision)).build();
    }
}
