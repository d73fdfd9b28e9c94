package io.raftkv.client;

import io.raftkv.client.OpResult.*;
import io.raftkv.proto.etcd.DeleteRangeResponse;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.ResponseOp;
import io.raftkv.proto.etcd.TxnResponse;
import java.util.Optional;

/** Translation between the SDK's operation and result types and etcd's protobuf messages. */
final class ProtoCodec {
  private ProtoCodec() {}

  static RequestOp request(Op op) {
    RequestOp.Builder b = RequestOp.newBuilder();
    if (op instanceof Op.Get g) {
      b.setRequestRange(g.options().toRequest(g.key()));
    } else if (op instanceof Op.Put p) {
      b.setRequestPut(p.options().toRequest(p.key(), p.value()));
    } else if (op instanceof Op.Delete d) {
      b.setRequestDeleteRange(d.options().toRequest(d.key()));
    } else if (op instanceof Op.Nested n) {
      b.setRequestTxn(n.txn().toRequest());
    }
    return b.build();
  }

  static GetResult get(RangeResponse r) {
    return new GetResult(Header.from(r.getHeader()), r.getKvsList().stream().map(KeyValue::from).toList(),
        r.getMore(), r.getCount());
  }

  static PutResult put(PutResponse r) {
    return new PutResult(Header.from(r.getHeader()),
        r.hasPrevKv() ? Optional.of(KeyValue.from(r.getPrevKv())) : Optional.empty());
  }

  static DeleteResult delete(DeleteRangeResponse r) {
    return new DeleteResult(Header.from(r.getHeader()), r.getDeleted(),
        r.getPrevKvsList().stream().map(KeyValue::from).toList());
  }

  static TxnResult txn(TxnResponse r) {
    Header header = Header.from(r.getHeader());
    return new TxnResult(header, r.getSucceeded(),
        r.getResponsesList().stream().map(op -> response(op, header)).toList());
  }

  /** Responses inside a txn carry no header of their own in etcd: they inherit the txn's. */
  private static OpResult response(ResponseOp op, Header txnHeader) {
    return switch (op.getResponseCase()) {
      case RESPONSE_RANGE -> withHeader(get(op.getResponseRange()), txnHeader);
      case RESPONSE_PUT -> new PutResult(txnHeader, put(op.getResponsePut()).prevKv());
      case RESPONSE_DELETE_RANGE -> {
        DeleteResult d = delete(op.getResponseDeleteRange());
        yield new DeleteResult(txnHeader, d.deleted(), d.prevKvs());
      }
      case RESPONSE_TXN -> {
        TxnResult t = txn(op.getResponseTxn());
        yield new TxnResult(txnHeader, t.succeeded(), t.results());
      }
      case RESPONSE_NOT_SET -> throw new IllegalStateException("empty response operation in txn");
    };
  }

  private static GetResult withHeader(GetResult g, Header h) {
    return new GetResult(h, g.kvs(), g.more(), g.count());
  }
}
