package io.raftkv.server.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.raft.core.Proposal;
import io.raftkv.server.api.EtcdError;
import io.raftkv.storage.mvcc.ApplyResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The apply thread may see an entry before the Raft thread's placement reaches the tracker. */
class ProposalTrackerTest {
    private final ProposalTracker tracker = new ProposalTracker(7, 1_700_000_000_000L);

    @Test
    void theCallersOwnEntryAppliedBeforeItsPlacementIsKnownStillCompletesIt() {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);

        tracker.applied(4, 2, id, applied(4, id));
        tracker.appliedThrough(4);
        assertThat(caller).isNotDone();
        tracker.placed(id, new Proposal(4, 2));

        assertThat(caller).isCompletedWithValue(applied(4, id));
    }

    @Test
    void aCollidingEntryAppliedBeforeThePlacementIsKnownDoesNotCompleteTheCaller() {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);

        tracker.applied(3, 1, id, applied(3, id)); // a replayed entry of an earlier incarnation
        tracker.appliedThrough(3);
        tracker.placed(id, new Proposal(5, 2));
        assertThat(caller).isNotDone();

        tracker.applied(5, 2, id, applied(5, id));
        assertThat(caller).isCompletedWithValue(applied(5, id));
    }

    @Test
    void aPlacementAtAnIndexAlreadyAppliedByAnotherEntryFailsTheCaller() {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);

        tracker.appliedThrough(6);
        tracker.placed(id, new Proposal(6, 2));

        assertThat(caller).failsWithin(Duration.ZERO).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.LEADER_CHANGED));
    }

    @Test
    void aSnapshotCoveringAPlacedProposalLeavesItsOutcomeUnknown() {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);
        tracker.placed(id, new Proposal(6, 2));

        tracker.snapshotRestored(9);

        assertThat(caller).failsWithin(Duration.ZERO).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.TIMEOUT));
    }

    @Test
    void aPlacementInsideARestoredSnapshotLeavesItsOutcomeUnknownButOneAfterItWasLost() {
        CompletableFuture<ApplyResult> inSnapshot = new CompletableFuture<>();
        CompletableFuture<ApplyResult> afterSnapshot = new CompletableFuture<>();
        long first = tracker.register(inSnapshot);
        long second = tracker.register(afterSnapshot);

        tracker.snapshotRestored(9);
        tracker.appliedThrough(12);
        tracker.placed(first, new Proposal(8, 2));
        tracker.placed(second, new Proposal(11, 2));

        assertThat(inSnapshot).failsWithin(Duration.ZERO).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.TIMEOUT));
        assertThat(afterSnapshot).failsWithin(Duration.ZERO).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.LEADER_CHANGED));
    }

    @Test
    void aCallerThatGaveUpIsForgotten() {
        CompletableFuture<ApplyResult> caller = new CompletableFuture<>();
        long id = tracker.register(caller);
        tracker.applied(2, 1, id, applied(2, id));

        caller.cancel(false);

        assertThat(tracker.pending()).isZero();
    }

    private static ApplyResult applied(long index, long id) {
        return new ApplyResult.Applied(index, id, ResponseHeader.newBuilder().setRevision(index).build());
    }
}
