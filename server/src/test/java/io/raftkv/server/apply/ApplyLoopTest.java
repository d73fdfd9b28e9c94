package io.raftkv.server.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.internal.MemberAttributesRequest;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Proposal;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.server.api.EtcdError;
import io.raftkv.storage.mvcc.ApplyResult;
import io.raftkv.storage.mvcc.MvccOptions;
import io.raftkv.storage.mvcc.MvccStore;
import io.raftkv.storage.mvcc.UndecodableEntryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyLoopTest {
    @TempDir
    Path dir;

    private MvccStore store;
    private ProposalTracker tracker;
    private AppliedIndexWaiter waiter;
    private ApplyLoop loop;
    private NoApplyHooks hooks;

    @BeforeEach
    void start() {
        store = MvccStore.open(dir.resolve("kv"), MvccOptions.defaults());
        tracker = new ProposalTracker(0x1234, 0);
        waiter = new AppliedIndexWaiter(store.state().appliedIndex(), Runnable::run);
        hooks = new NoApplyHooks();
        loop = new ApplyLoop("test", store, tracker, waiter, hooks);
        loop.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.close();
        store.close();
    }

    @Test
    void anUndecodableEntryStopsApplyingAndTellsTheNodeToFailStop() throws InterruptedException {
        loop.committed(List.of(Entry.normal(1, 1, put(0, "a", "1"))), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.applied() == 1);

        loop.committed(List.of(Entry.normal(1, 2, new byte[] {(byte) 0xFF, 1, 2})), Map.of());
        loop.committed(List.of(Entry.normal(1, 3, put(0, "c", "3"))), Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> !loop.healthy());
        await().atMost(Duration.ofSeconds(10)).until(() -> hooks.applyFailure() != null);
        assertThat(hooks.applyFailure()).isInstanceOf(UndecodableEntryException.class);
        assertThat(store.state().appliedIndex()).isEqualTo(1);
        assertThat(waiter.applied()).isEqualTo(1);
        assertThat(value("c")).isEmpty();
    }

    @Test
    void aReplayedEntryCarryingANewCallersIdDoesNotCompleteThatCaller() throws Exception {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);
        // An entry of an earlier incarnation of this node, replayed after a restart, whose id collides.
        loop.committed(List.of(Entry.normal(1, 1, put(id, "k", "replayed"))), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.applied() == 1);
        assertThat(caller).isNotDone();

        tracker.placed(id, new Proposal(2, 2));
        loop.committed(List.of(Entry.normal(2, 2, put(id, "k", "mine"))), Map.of());

        assertThat(caller).succeedsWithin(Duration.ofSeconds(10)).extracting(ApplyResult::index).isEqualTo(2L);
    }

    @Test
    void aCollidingEntryAppliedBeforeTheCallersOwnDoesNotCompleteIt() throws Exception {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);
        tracker.placed(id, new Proposal(3, 2));

        loop.committed(List.of(Entry.normal(1, 1, put(id, "k", "replayed")), Entry.normal(1, 2, put(0, "x", "y"))),
                Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.applied() == 2);
        assertThat(caller).isNotDone();

        loop.committed(List.of(Entry.normal(2, 3, put(id, "k", "mine"))), Map.of());
        assertThat(caller).succeedsWithin(Duration.ofSeconds(10)).extracting(ApplyResult::index).isEqualTo(3L);
    }

    @Test
    void anotherEntryAppliedAtTheCallersIndexFailsItAsLostToALeaderChange() throws Exception {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);
        tracker.placed(id, new Proposal(1, 2));

        // Another leader's entry took index 1, with another term, carrying a colliding id.
        loop.committed(List.of(Entry.normal(3, 1, put(id, "k", "theirs"))), Map.of());

        assertThat(caller).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.LEADER_CHANGED));
    }

    private String value(String key) {
        var kvs = store.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()).getKvsList();
        return kvs.isEmpty() ? "" : kvs.get(0).getValue().toStringUtf8();
    }

    private static byte[] put(long id, String key, String value) {
        return InternalRequest.newBuilder().setId(id).setPut(PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build().toByteArray();
    }
}
