package io.raftkv.storage.mvcc;

import static io.raftkv.proto.etcd.Compare.CompareResult.EQUAL;
import static io.raftkv.proto.etcd.Compare.CompareResult.GREATER;
import static io.raftkv.proto.etcd.Compare.CompareResult.LESS;
import static io.raftkv.proto.etcd.Compare.CompareResult.NOT_EQUAL;
import static io.raftkv.proto.etcd.Compare.CompareTarget.CREATE;
import static io.raftkv.proto.etcd.Compare.CompareTarget.LEASE;
import static io.raftkv.proto.etcd.Compare.CompareTarget.MOD;
import static io.raftkv.proto.etcd.Compare.CompareTarget.VERSION;
import static io.raftkv.storage.mvcc.Requests.bs;
import static io.raftkv.storage.mvcc.Requests.compare;
import static io.raftkv.storage.mvcc.Requests.compareValue;
import static io.raftkv.storage.mvcc.Requests.delete;
import static io.raftkv.storage.mvcc.Requests.of;
import static io.raftkv.storage.mvcc.Requests.op;
import static io.raftkv.storage.mvcc.Requests.put;
import static io.raftkv.storage.mvcc.Requests.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.etcd.TxnResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd's txn rules: compares, branches, nesting, shared revision, op limits, duplicate keys. */
class TxnTest {
    @TempDir
    Path dir;
    StoreFixture f;

    @BeforeEach
    void open() {
        f = new StoreFixture(dir.resolve("store"));
        f.apply(of(put("a", "1")));          // rev 2
        f.apply(of(put("a", "2")));          // rev 3, version 2
        f.apply(of(put("b", "x")));          // rev 4
    }

    @AfterEach
    void close() {
        f.close();
    }

    private boolean holds(Compare... compares) {
        TxnRequest txn = TxnRequest.newBuilder().addAllCompare(java.util.List.of(compares)).build();
        return f.store.txnReadOnly(txn).getSucceeded();
    }

    @Test
    void comparesOnEveryTarget() {
        assertThat(holds(compare("a", VERSION, EQUAL, 2))).isTrue();
        assertThat(holds(compare("a", VERSION, GREATER, 1))).isTrue();
        assertThat(holds(compare("a", CREATE, EQUAL, 2))).isTrue();
        assertThat(holds(compare("a", MOD, LESS, 4))).isTrue();
        assertThat(holds(compare("a", MOD, NOT_EQUAL, 3))).isFalse();
        assertThat(holds(compare("a", LEASE, EQUAL, 0))).isTrue();
        assertThat(holds(compareValue("a", EQUAL, "2"))).isTrue();
        assertThat(holds(compareValue("a", GREATER, "1"))).isTrue();
        assertThat(holds(compare("a", VERSION, EQUAL, 2), compareValue("a", EQUAL, "1"))).isFalse();
    }

    @Test
    void aMissingKeyComparesAsZeroExceptForValueWhichIsFalse() {
        assertThat(holds(compare("missing", CREATE, EQUAL, 0))).isTrue();
        assertThat(holds(compare("missing", VERSION, LESS, 1))).isTrue();
        assertThat(holds(compareValue("missing", EQUAL, ""))).isFalse();
        assertThat(holds(compareValue("missing", NOT_EQUAL, "x"))).isFalse();
    }

    @Test
    void aRangeCompareMustHoldForEveryKeyInIt() {
        Compare versionOneAll = compare("a", VERSION, EQUAL, 1).toBuilder().setRangeEnd(bs("c")).build();
        Compare positiveAll = compare("a", VERSION, GREATER, 0).toBuilder().setRangeEnd(bs("c")).build();
        assertThat(holds(versionOneAll)).isFalse();
        assertThat(holds(positiveAll)).isTrue();
        Compare emptyRange = compare("x", CREATE, EQUAL, 0).toBuilder().setRangeEnd(bs("\0")).build();
        assertThat(holds(emptyRange)).isTrue();
    }

    @Test
    void writesShareOneRevisionAndLaterOpsSeeEarlierWrites() {
        TxnResponse response = f.apply(of(TxnRequest.newBuilder()
                .addCompare(compare("a", VERSION, EQUAL, 2))
                .addSuccess(op(put("c", "1")))
                .addSuccess(op(range("c", "").build()))
                .addSuccess(op(delete("b", "")))
                .addFailure(op(put("never", "1")))
                .build()));
        assertThat(response.getSucceeded()).isTrue();
        assertThat(response.getHeader().getRevision()).isEqualTo(5);
        assertThat(response.getResponses(1).getResponseRange().getKvs(0).getModRevision()).isEqualTo(5);
        assertThat(response.getResponses(2).getResponseDeleteRange().getDeleted()).isEqualTo(1);
        assertThat(f.events.subList(3, 5)).allSatisfy(e -> assertThat(e.getKv().getModRevision()).isEqualTo(5));
        assertThat(f.store.range(range("never", "").build()).getCount()).isZero();
    }

    @Test
    void theFailureBranchRunsWhenACompareFailsAndAReadOnlyTxnKeepsTheRevision() {
        TxnResponse response = f.apply(of(TxnRequest.newBuilder()
                .addCompare(compareValue("a", EQUAL, "nope"))
                .addSuccess(op(put("s", "1")))
                .addFailure(op(range("a", "").build()))
                .build()));
        assertThat(response.getSucceeded()).isFalse();
        assertThat(response.getHeader().getRevision()).isEqualTo(4);
        assertThat(f.store.state().revision()).isEqualTo(4);
    }

    @Test
    void nestedComparesAreEvaluatedBeforeTheTxnWrites() {
        TxnRequest nested = TxnRequest.newBuilder()
                .addCompare(compare("n", CREATE, EQUAL, 0)) // n does not exist before the txn
                .addSuccess(op(put("m", "nested-success")))
                .addFailure(op(put("m", "nested-failure")))
                .build();
        TxnResponse response = f.apply(of(TxnRequest.newBuilder()
                .addSuccess(op(put("n", "1")))
                .addSuccess(op(nested))
                .build()));
        assertThat(response.getResponses(1).getResponseTxn().getSucceeded()).isTrue();
        assertThat(f.store.range(range("m", "").build()).getKvs(0).getValue()).isEqualTo(bs("nested-success"));
        assertThat(f.store.range(range("m", "").build()).getKvs(0).getModRevision())
                .isEqualTo(f.store.range(range("n", "").build()).getKvs(0).getModRevision());
    }

    @Test
    void atMost128OpsPerBranchOrCompareList() {
        TxnRequest.Builder ok = TxnRequest.newBuilder();
        TxnRequest.Builder tooMany = TxnRequest.newBuilder();
        for (int i = 0; i < 128; i++) {
            ok.addSuccess(op(range("a", "").build()));
            tooMany.addFailure(op(range("a", "").build()));
        }
        tooMany.addFailure(op(range("a", "").build()));
        assertThat(f.store.txnReadOnly(ok.build()).getResponsesCount()).isEqualTo(128);
        assertThatThrownBy(() -> f.store.txnReadOnly(tooMany.build()))
                .isEqualTo(EtcdError.TOO_MANY_OPS.exception())
                .hasMessage("etcdserver: too many operations in txn request");
        ApplyResult viaLog = f.applyResult(of(tooMany.build()));
        assertThat(((ApplyResult.Rejected) viaLog).error().error()).isEqualTo(EtcdError.TOO_MANY_OPS);
    }

    @Test
    void duplicateKeysInOneBranchAreRefused() {
        assertDuplicate(TxnRequest.newBuilder().addSuccess(op(put("k", "1"))).addSuccess(op(put("k", "2"))));
        assertDuplicate(TxnRequest.newBuilder().addFailure(op(delete("j", "l"))).addFailure(op(put("k", "2"))));
        assertDuplicate(TxnRequest.newBuilder().addSuccess(op(put("k", "1")))
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(put("k", "2"))).build())));
        assertDuplicate(TxnRequest.newBuilder().addSuccess(op(delete("k", "")))
                .addSuccess(op(TxnRequest.newBuilder().addFailure(op(put("k", "2"))).build())));
        // the same key in both branches of a nested txn is fine: only one of them runs
        TxnRequest thenElse = TxnRequest.newBuilder().addSuccess(op(TxnRequest.newBuilder()
                .addSuccess(op(put("k", "1"))).addFailure(op(put("k", "2"))).build())).build();
        assertThat(f.applyResult(of(thenElse))).isInstanceOf(ApplyResult.Applied.class);
        // and so is the same key in the success and the failure branch
        TxnRequest branches = TxnRequest.newBuilder().addSuccess(op(put("k", "1"))).addFailure(op(put("k", "2"))).build();
        assertThat(f.applyResult(of(branches))).isInstanceOf(ApplyResult.Applied.class);
    }

    private void assertDuplicate(TxnRequest.Builder txn) {
        assertThatThrownBy(() -> RequestValidation.checkTxn(txn.build()))
                .hasMessage("etcdserver: duplicate key given in txn request");
        ApplyResult result = f.applyResult(of(txn.build()));
        assertThat(((ApplyResult.Rejected) result).error().error()).isEqualTo(EtcdError.DUPLICATE_KEY);
    }

    @Test
    void aRefusedTxnChangesNothing() {
        long revision = f.store.state().revision();
        ApplyResult result = f.applyResult(of(TxnRequest.newBuilder()
                .addSuccess(op(put("fresh", "1")))
                .addSuccess(op(put("missing", "").toBuilder().setIgnoreValue(true).build()))
                .build()));
        assertThat(((ApplyResult.Rejected) result).error().error()).isEqualTo(EtcdError.KEY_NOT_FOUND);
        assertThat(f.store.state().revision()).isEqualTo(revision);
        assertThat(f.store.range(range("fresh", "").build()).getCount()).isZero();
    }

    @Test
    void readOnlyEvaluationRefusesTxnsThatWrite() {
        TxnRequest writes = TxnRequest.newBuilder().addFailure(op(put("k", "1"))).build();
        assertThat(RequestValidation.isReadOnly(writes)).isFalse();
        assertThatThrownBy(() -> f.store.txnReadOnly(writes)).isInstanceOf(IllegalArgumentException.class);
        TxnRequest reads = TxnRequest.newBuilder().addSuccess(op(range("a", "").setRevision(9).build())).build();
        assertThatThrownBy(() -> f.store.txnReadOnly(reads)).isEqualTo(EtcdError.FUTURE_REVISION.exception());
    }
}
