package io.raftkv.storage.mvcc;

import static io.raftkv.storage.mvcc.Requests.bs;
import static io.raftkv.storage.mvcc.Requests.compact;
import static io.raftkv.storage.mvcc.Requests.delete;
import static io.raftkv.storage.mvcc.Requests.grant;
import static io.raftkv.storage.mvcc.Requests.of;
import static io.raftkv.storage.mvcc.Requests.put;
import static io.raftkv.storage.mvcc.Requests.range;
import static io.raftkv.storage.mvcc.Requests.revoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.DeleteRangeResponse;
import io.raftkv.proto.etcd.LeaseGrantResponse;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.proto.mvcc.KeyValue;
import io.raftkv.raft.core.ConfState;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd's key-value semantics, one rule per test, against the RocksDB store. */
class MvccStoreTest {
    @TempDir
    Path dir;
    StoreFixture f;

    @BeforeEach
    void open() {
        f = new StoreFixture(dir.resolve("store"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    private RangeResponse get(RangeRequest.Builder request) {
        return f.store.range(request.build());
    }

    private List<String> keys(RangeResponse response) {
        return response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }

    private static void assertError(Runnable action, EtcdError error) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(EtcdException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.getMessage()).isEqualTo(error.message());
        });
    }

    private void putAll(String... keys) {
        for (String key : keys) {
            f.apply(of(put(key, "v-" + key)));
        }
    }

    @Test
    void emptyStoreIsAtRevisionOneAndEachPutRaisesItByOne() {
        assertThat(f.store.state().revision()).isEqualTo(1);
        PutResponse first = f.apply(of(put("a", "1")));
        PutResponse second = f.apply(of(put("a", "2")));
        assertThat(first.getHeader().getRevision()).isEqualTo(2);
        assertThat(second.getHeader().getRevision()).isEqualTo(3);
        KeyValue kv = get(range("a", "")).getKvs(0);
        assertThat(kv.getCreateRevision()).isEqualTo(2);
        assertThat(kv.getModRevision()).isEqualTo(3);
        assertThat(kv.getVersion()).isEqualTo(2);
        assertThat(kv.getValue()).isEqualTo(bs("2"));
    }

    @Test
    void deleteEndsTheGenerationAndRecreationStartsANewOne() {
        putAll("a", "a");
        DeleteRangeResponse deleted = f.apply(of(delete("a", "")));
        assertThat(deleted.getDeleted()).isEqualTo(1);
        assertThat(deleted.getHeader().getRevision()).isEqualTo(4);
        f.apply(of(put("a", "x")));
        KeyValue kv = get(range("a", "")).getKvs(0);
        assertThat(kv.getVersion()).isEqualTo(1);
        assertThat(kv.getCreateRevision()).isEqualTo(5);
    }

    @Test
    void deletingNothingKeepsTheRevisionAndMakesNoEvent() {
        putAll("a");
        int events = f.events.size();
        DeleteRangeResponse response = f.apply(of(delete("zzz", "")));
        assertThat(response.getDeleted()).isZero();
        assertThat(response.getHeader().getRevision()).isEqualTo(2);
        assertThat(f.store.state().revision()).isEqualTo(2);
        assertThat(f.events).hasSize(events);
    }

    @Test
    void rangeEndFormsSelectOneKeyAPrefixOrEverythingFromAKey() {
        putAll("a", "ab", "abc", "b", "c");
        assertThat(keys(get(range("ab", "")))).containsExactly("ab");
        assertThat(keys(get(range("ab", "ac")))).containsExactly("ab", "abc");
        assertThat(keys(get(range("ab", "\0")))).containsExactly("ab", "abc", "b", "c");
        assertThat(keys(get(range("\0", "\0")))).containsExactly("a", "ab", "abc", "b", "c");
        assertThat(keys(get(range("b", "a")))).isEmpty();
        assertThat(keys(get(range("b", "b")))).isEmpty();
        assertThat(keys(get(range("zz", "")))).isEmpty();
    }

    @Test
    void keysWithZeroBytesAndPrefixesSortCorrectlyInHistory() {
        f.apply(of(PutRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {'a', 0})).setValue(bs("z")).build()));
        putAll("a", "a\u0001", "ab");
        f.apply(of(delete("ab", "")));
        RangeResponse now = get(range("a", "b"));
        RangeResponse before = get(range("a", "b").setRevision(5));
        assertThat(before.getKvsList()).hasSize(4);
        assertThat(now.getKvsList()).hasSize(3);
        assertThat(before.getKvs(1).getKey()).isEqualTo(ByteString.copyFrom(new byte[] {'a', 0}));
        assertThat(get(range("a", "").setRevision(3)).getKvsList()).hasSize(1);
    }

    @Test
    void emptyKeyIsRefused() {
        assertError(() -> get(range("", "")), EtcdError.KEY_NOT_PROVIDED);
        ApplyResult result = f.applyResult(of(put("", "x")));
        assertThat(((ApplyResult.Rejected) result).error().error()).isEqualTo(EtcdError.KEY_NOT_PROVIDED);
    }

    @Test
    void limitCutsWithMoreWhileCountIsTheWholeRange() {
        putAll("a", "b", "c", "d");
        RangeResponse limited = get(range("a", "z").setLimit(2));
        assertThat(keys(limited)).containsExactly("a", "b");
        assertThat(limited.getMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(4);
        RangeResponse exact = get(range("a", "z").setLimit(4));
        assertThat(exact.getMore()).isFalse();
        RangeResponse counted = get(range("a", "z").setCountOnly(true));
        assertThat(counted.getKvsList()).isEmpty();
        assertThat(counted.getCount()).isEqualTo(4);
        RangeResponse keysOnly = get(range("a", "z").setKeysOnly(true));
        assertThat(keysOnly.getKvsList()).allSatisfy(kv -> assertThat(kv.getValue()).isEmpty());
        assertThat(keysOnly.getKvs(0).getModRevision()).isEqualTo(2);
    }

    @Test
    void sortOrderNoneWithANonKeyTargetIsAscending() {
        putAll("c", "b", "a", "b");
        assertThat(keys(get(range("a", "z").setSortTarget(RangeRequest.SortTarget.MOD))))
                .containsExactly("c", "a", "b");
        assertThat(keys(get(range("a", "z").setSortOrder(RangeRequest.SortOrder.DESCEND))))
                .containsExactly("c", "b", "a");
        assertThat(keys(get(range("a", "z").setSortOrder(RangeRequest.SortOrder.DESCEND)
                .setSortTarget(RangeRequest.SortTarget.VERSION))))
                .containsExactly("b", "a", "c");
        assertThat(keys(get(range("a", "z").setSortOrder(RangeRequest.SortOrder.DESCEND)
                .setSortTarget(RangeRequest.SortTarget.CREATE).setLimit(1))))
                .containsExactly("a");
    }

    @Test
    void revisionFiltersApplyAfterTheRangeAndCountIgnoresThem() {
        putAll("a", "b", "c", "a");
        RangeResponse response = get(range("a", "z").setMinModRevision(3).setMaxCreateRevision(3));
        assertThat(keys(response)).containsExactly("a", "b");
        assertThat(response.getCount()).isEqualTo(3);
        assertThat(keys(get(range("a", "z").setMaxModRevision(3)))).containsExactly("b");
        assertThat(keys(get(range("a", "z").setMinCreateRevision(3).setLimit(1)))).containsExactly("b");
    }

    @Test
    void historicalReadsSeeOldVersionsAndHeaderHasTheCurrentRevision() {
        putAll("a", "b");
        f.apply(of(put("a", "new")));
        f.apply(of(delete("b", "")));
        RangeResponse old = get(range("a", "z").setRevision(3));
        assertThat(keys(old)).containsExactly("a", "b");
        assertThat(old.getKvs(0).getValue()).isEqualTo(bs("v-a"));
        assertThat(old.getHeader().getRevision()).isEqualTo(5);
        assertThat(keys(get(range("a", "z").setRevision(1)))).isEmpty();
        assertError(() -> get(range("a", "").setRevision(6)), EtcdError.FUTURE_REVISION);
    }

    @Test
    void compactionKeepsTheLatestLiveVersionsAndRefusesOlderReads() {
        putAll("a", "b", "a");           // 2, 3, 4
        f.apply(of(delete("b", "")));    // 5
        putAll("c");                     // 6
        f.apply(compact(5));
        assertThat(f.store.state().compactRevision()).isEqualTo(5);
        assertError(() -> get(range("a", "").setRevision(4)), EtcdError.COMPACTED);
        RangeResponse atCompaction = get(range("a", "z").setRevision(5));
        assertThat(keys(atCompaction)).containsExactly("a");
        assertThat(atCompaction.getKvs(0).getModRevision()).isEqualTo(4);
        assertThat(((ApplyResult.Rejected) f.applyResult(compact(5))).error().error()).isEqualTo(EtcdError.COMPACTED);
        assertThat(((ApplyResult.Rejected) f.applyResult(compact(4))).error().error()).isEqualTo(EtcdError.COMPACTED);
        assertThat(((ApplyResult.Rejected) f.applyResult(compact(7))).error().error())
                .isEqualTo(EtcdError.FUTURE_REVISION);
        assertThat(f.store.hashKV(0).compactRevision()).isEqualTo(5);
        assertError(() -> f.store.hashKV(4), EtcdError.COMPACTED);
        // the deleted key's history is gone, the live versions survive another compaction
        f.apply(compact(6));
        assertThat(keys(get(range("a", "z").setRevision(6)))).containsExactly("a", "c");
    }

    @Test
    void putRulesForPrevKvIgnoreValueIgnoreLeaseAndLeases() {
        PutResponse first = f.apply(of(put("k", "v1").toBuilder().setPrevKv(true).build()));
        assertThat(first.hasPrevKv()).isFalse();
        PutResponse second = f.apply(of(put("k", "v2").toBuilder().setPrevKv(true).build()));
        assertThat(second.getPrevKv().getValue()).isEqualTo(bs("v1"));

        LeaseGrantResponse lease = f.apply(grant(7, 60));
        f.apply(of(put("k", "v3").toBuilder().setLease(7).build()));
        f.apply(of(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).setIgnoreLease(true).build()));
        KeyValue kv = get(range("k", "")).getKvs(0);
        assertThat(kv.getValue()).isEqualTo(bs("v3"));
        assertThat(kv.getLease()).isEqualTo(lease.getID());

        assertRejected(of(PutRequest.newBuilder().setKey(bs("missing")).setIgnoreValue(true).build()),
                EtcdError.KEY_NOT_FOUND);
        assertRejected(of(PutRequest.newBuilder().setKey(bs("missing")).setIgnoreLease(true).build()),
                EtcdError.KEY_NOT_FOUND);
        assertRejected(of(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).setValue(bs("x")).build()),
                EtcdError.VALUE_PROVIDED);
        assertRejected(of(PutRequest.newBuilder().setKey(bs("k")).setIgnoreLease(true).setLease(7).build()),
                EtcdError.LEASE_PROVIDED);
        assertRejected(of(put("k", "x").toBuilder().setLease(99).build()), EtcdError.LEASE_NOT_FOUND);

        // a put without a lease detaches the key
        f.apply(of(put("k", "v4")));
        assertThat(f.store.lease(7).orElseThrow().keys()).isEmpty();
        assertThat(get(range("k", "")).getKvs(0).getLease()).isZero();
    }

    private void assertRejected(InternalRequest request, EtcdError error) {
        long revision = f.store.state().revision();
        ApplyResult result = f.applyResult(request);
        assertThat(result).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(((ApplyResult.Rejected) result).error().error()).isEqualTo(error);
        assertThat(((ApplyResult.Rejected) result).error().code()).isEqualTo(error.code());
        assertThat(f.store.state().revision()).isEqualTo(revision);
    }

    @Test
    void deleteRangeWithPrevKvAndFromKeyForm() {
        putAll("a", "b", "c");
        DeleteRangeResponse response = f.apply(of(DeleteRangeRequest.newBuilder().setKey(bs("b"))
                .setRangeEnd(bs("\0")).setPrevKv(true).build()));
        assertThat(response.getDeleted()).isEqualTo(2);
        assertThat(response.getPrevKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("b", "c");
        assertThat(response.getHeader().getRevision()).isEqualTo(5);
        assertThat(keys(get(range("\0", "\0")))).containsExactly("a");
        List<Event> deletes = f.events.subList(3, 5);
        assertThat(deletes).allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo(Event.EventType.DELETE);
            assertThat(e.getKv().getModRevision()).isEqualTo(5);
            assertThat(e.hasPrevKv()).isTrue();
        });
    }

    @Test
    void leaseGrantRulesAndRevokeDeletesAttachedKeysInOneRevision() {
        LeaseGrantResponse picked = f.apply(grant(0, 1));
        assertThat(picked.getID()).isPositive();
        assertThat(picked.getTTL()).isEqualTo(MvccOptions.defaults().minLeaseTtlSeconds());
        assertRejected(grant(picked.getID(), 10), EtcdError.LEASE_EXISTS);
        assertRejected(grant(5, 9_000_000_001L), EtcdError.LEASE_TTL_TOO_LARGE);
        LeaseGrantResponse five = f.apply(grant(5, 100));
        assertThat(five.getTTL()).isEqualTo(100);

        f.apply(of(put("x", "1").toBuilder().setLease(5).build()));
        f.apply(of(put("y", "1").toBuilder().setLease(5).build()));
        f.apply(of(put("z", "1")));
        assertThat(f.store.lease(5).orElseThrow().keys()).containsExactly(bs("x"), bs("y"));
        long before = f.store.state().revision();
        f.apply(revoke(5));
        assertThat(f.store.state().revision()).isEqualTo(before + 1);
        assertThat(keys(get(range("a", "zz")))).containsExactly("z");
        assertThat(f.store.lease(5)).isEmpty();
        assertRejected(revoke(5), EtcdError.LEASE_NOT_FOUND);
        assertThat(f.store.leases()).extracting(LeaseInfo::id).containsExactly(picked.getID());
    }

    @Test
    void leaseCheckpointsRecordRemainingTtlAndIgnoreUnknownLeases() {
        f.apply(grant(9, 60));
        f.apply(InternalRequest.newBuilder().setLeaseCheckpoint(io.raftkv.proto.internal.LeaseCheckpointRequest.newBuilder()
                .addCheckpoints(io.raftkv.proto.internal.LeaseCheckpoint.newBuilder().setId(9).setRemainingTtl(42))
                .addCheckpoints(io.raftkv.proto.internal.LeaseCheckpoint.newBuilder().setId(404).setRemainingTtl(1)))
                .build());
        assertThat(f.store.lease(9).orElseThrow()).isEqualTo(new LeaseInfo(9, 60, 42, List.of()));
        assertThat(f.store.lease(404)).isEmpty();
        assertThat(f.store.state().revision()).isEqualTo(1);
    }

    @Test
    void aHistoryPageHoldsAtLeastOneWholeRevision() {
        f.apply(of(io.raftkv.proto.etcd.TxnRequest.newBuilder()
                .addSuccess(Requests.op(put("a", "1"))).addSuccess(Requests.op(put("b", "1"))).build()));
        putAll("c");
        WatchHistory.Page page = (WatchHistory.Page) f.store.history(0, bs("\0"), bs("\0"), false, 0);
        assertThat(page.events()).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("a", "b");
        assertThat(page.nextRevision()).isEqualTo(3);
        assertThat(page.revision()).isEqualTo(3);
    }

    @Test
    void leaseIdsPickedForIdZeroDependOnlyOnTheEntryIndex(@TempDir Path other) {
        try (StoreFixture second = new StoreFixture(other.resolve("s"))) {
            LeaseGrantResponse a = f.apply(grant(0, 10));
            LeaseGrantResponse b = second.apply(grant(0, 10));
            assertThat(a.getID()).isEqualTo(b.getID());
            assertThat(f.<LeaseGrantResponse>apply(grant(0, 10)).getID()).isNotEqualTo(a.getID());
        }
    }

    @Test
    void refusedRequestDoesNotAbortTheBatchAndStillAdvancesTheAppliedIndex() {
        ApplyBatchResult result = f.batch(List.of(of(put("a", "1")), of(put("", "x")),
                of(put("a", "bad").toBuilder().setLease(42).build()), of(put("b", "2"))));
        assertThat(result.results()).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("Applied", "Rejected", "Rejected", "Applied");
        assertThat(result.appliedIndex()).isEqualTo(4);
        assertThat(result.revision()).isEqualTo(3);
        assertThat(result.events()).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("a", "b");
        assertThat(f.store.state().appliedIndex()).isEqualTo(4);
    }

    @Test
    void batchEventsCarryPrevKvInRevisionOrder() {
        f.batch(List.of(of(put("a", "1")), of(put("a", "2")), of(delete("a", ""))));
        assertThat(f.events).extracting(Event::getType)
                .containsExactly(Event.EventType.PUT, Event.EventType.PUT, Event.EventType.DELETE);
        assertThat(f.events.get(0).hasPrevKv()).isFalse();
        assertThat(f.events.get(1).getPrevKv().getValue()).isEqualTo(bs("1"));
        assertThat(f.events.get(2).getPrevKv().getValue()).isEqualTo(bs("2"));
        assertThat(f.events).extracting(e -> e.getKv().getModRevision()).containsExactly(2L, 3L, 4L);
    }

    @Test
    void watchHistoryReplaysFromARevisionAndReportsCompaction() {
        putAll("a", "b", "a");
        f.apply(of(delete("a", "")));
        WatchHistory.Page page = (WatchHistory.Page) f.store.history(3, bs("a"), ByteString.EMPTY, true, 100);
        assertThat(page.events()).extracting(e -> e.getKv().getModRevision()).containsExactly(4L, 5L);
        assertThat(page.events().get(1).getPrevKv().getModRevision()).isEqualTo(4);
        assertThat(page.events().get(0).getPrevKv().getModRevision()).isEqualTo(2);
        assertThat(page.nextRevision()).isEqualTo(6);
        WatchHistory.Page firstTwo = (WatchHistory.Page) f.store.history(1, bs("\0"), bs("\0"), false, 2);
        assertThat(firstTwo.events()).hasSize(2);
        assertThat(firstTwo.nextRevision()).isEqualTo(4);
        f.apply(compact(4));
        assertThat(f.store.history(3, bs("a"), ByteString.EMPTY, false, 10))
                .isEqualTo(new WatchHistory.Compacted(4));
        WatchHistory.Page fromCompaction = (WatchHistory.Page) f.store.history(4, bs("a"), bs("z"), false, 10);
        assertThat(fromCompaction.events()).extracting(e -> e.getKv().getModRevision()).containsExactly(4L, 5L);
    }

    @Test
    void replayedEntriesAreSkippedAndMembershipIsPersisted() {
        ConfState conf = new ConfState(Set.of(1L, 2L), Set.of(3L));
        f.store.applyBatch(List.of(new CommittedCommand.Request(1, 2, of(put("a", "1"))),
                new CommittedCommand.MembershipChange(2, 2, conf), new CommittedCommand.Noop(3, 3)));
        ApplyBatchResult replay = f.store.applyBatch(List.of(new CommittedCommand.Request(1, 2, of(put("a", "1"))),
                new CommittedCommand.Request(2, 2, of(put("a", "2")))));
        assertThat(replay.results()).allMatch(r -> r instanceof ApplyResult.AlreadyApplied);
        f.close();
        f = new StoreFixture(dir.resolve("store"));
        AppliedState state = f.store.state();
        assertThat(state.appliedIndex()).isEqualTo(3);
        assertThat(state.appliedTerm()).isEqualTo(3);
        assertThat(state.confState()).isEqualTo(conf);
        assertThat(state.revision()).isEqualTo(2);
        assertThat(get(range("a", "")).getKvs(0).getValue()).isEqualTo(bs("1"));
    }

    @Test
    void gapsInTheAppliedSequenceAreRefused() {
        assertThatThrownBy(() -> f.store.applyBatch(List.of(new CommittedCommand.Noop(5, 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashKvIsEqualForEqualDataAndChangesWithData(@TempDir Path other) {
        try (StoreFixture second = new StoreFixture(other.resolve("s"))) {
            for (StoreFixture s : List.of(f, second)) {
                s.apply(of(put("a", "1")));
                s.apply(of(put("b", "2")));
            }
            assertThat(f.store.hashKV(0)).isEqualTo(second.store.hashKV(0));
            assertThat(f.store.hash()).isEqualTo(second.store.hash());
            int atTwo = f.store.hashKV(2).hash();
            second.apply(of(put("c", "3")));
            assertThat(second.store.hashKV(2).hash()).isEqualTo(atTwo);
            assertThat(second.store.hashKV(0).hash()).isNotEqualTo(f.store.hashKV(0).hash());
            assertThat(f.store.dbSize()).isPositive();
        }
    }

    @Test
    void alarmsActivateDeactivateAndList() {
        InternalRequest activate = InternalRequest.newBuilder().setAlarm(io.raftkv.proto.etcd.AlarmRequest.newBuilder()
                .setAction(io.raftkv.proto.etcd.AlarmRequest.AlarmAction.ACTIVATE).setMemberID(3)
                .setAlarm(io.raftkv.proto.etcd.AlarmType.NOSPACE)).build();
        f.apply(activate);
        assertThat(f.store.state().alarms()).hasSize(1);
        io.raftkv.proto.etcd.AlarmResponse list = f.apply(InternalRequest.newBuilder().setAlarm(
                io.raftkv.proto.etcd.AlarmRequest.newBuilder()).build());
        assertThat(list.getAlarmsList()).hasSize(1);
        f.apply(activate.toBuilder().setAlarm(activate.getAlarm().toBuilder()
                .setAction(io.raftkv.proto.etcd.AlarmRequest.AlarmAction.DEACTIVATE)).build());
        assertThat(f.store.state().alarms()).isEmpty();
    }
}
