package io.raftkv.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.raftkv.raft.core.ProposalRejectedException;
import io.raftkv.raft.core.ReadState;
import io.raftkv.server.api.EtcdError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PendingReadRoundsTest {
    private static final int RETRY = 3;
    private static final int TIMEOUT = 10;

    private final PendingReadRounds rounds = new PendingReadRounds(RETRY, TIMEOUT, Runnable::run);
    private final List<byte[]> sent = new ArrayList<>();
    private final Consumer<byte[]> core = sent::add;

    @Test
    void aReadStateServesTheRoundWithItsContext() {
        CompletableFuture<Long> a = new CompletableFuture<>();
        CompletableFuture<Long> b = new CompletableFuture<>();
        rounds.start(List.of(a, b), core);

        rounds.complete(new ReadState(42, sent.get(0)));

        assertThat(a).isCompletedWithValue(42L);
        assertThat(b).isCompletedWithValue(42L);
        assertThat(rounds.size()).isZero();
    }

    @Test
    void anUnansweredRoundIsAskedAgainWithTheSameContextAndServedByTheLaterAnswer() {
        CompletableFuture<Long> read = new CompletableFuture<>();
        rounds.start(List.of(read), core);
        ticks(RETRY - 1);
        assertThat(sent).hasSize(1);

        ticks(1);

        assertThat(sent).hasSize(2);
        assertThat(sent.get(1)).isEqualTo(sent.get(0));
        rounds.complete(new ReadState(7, sent.get(1)));
        assertThat(read).isCompletedWithValue(7L);
    }

    @Test
    void aRoundNobodyAnswersFailsWithEtcdsTimeoutAtItsDeadline() {
        // A follower whose ReadIndex request the leader dropped: no leader change ever comes.
        CompletableFuture<Long> read = new CompletableFuture<>();
        rounds.start(List.of(read), core);
        ticks(TIMEOUT - 1);
        assertThat(read).isNotDone();

        ticks(1);

        assertThat(read).failsWithin(Duration.ZERO).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.TIMEOUT));
        assertThat(rounds.size()).isZero();
        rounds.complete(new ReadState(9, sent.get(0))); // a late answer finds nothing to serve
        assertThat(read).isCompletedExceptionally();
    }

    @Test
    void aRetryRefusedForWantOfALeaderKeepsTheRoundUntilItsDeadline() {
        CompletableFuture<Long> read = new CompletableFuture<>();
        rounds.start(List.of(read), core);
        ticks(RETRY, context -> {
            throw new ProposalRejectedException(ProposalRejectedException.Reason.NOT_LEADER, 0, "no leader");
        });
        assertThat(read).isNotDone();

        rounds.complete(new ReadState(5, sent.get(0)));

        assertThat(read).isCompletedWithValue(5L);
    }

    @Test
    void aRoundTheCoreRefusesAtOnceFailsWithItsReason() {
        CompletableFuture<Long> read = new CompletableFuture<>();
        rounds.start(List.of(read), context -> {
            throw new ProposalRejectedException(ProposalRejectedException.Reason.NOT_LEADER, 0, "no leader");
        });

        assertThat(read).failsWithin(Duration.ZERO).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.NO_LEADER));
        assertThat(rounds.size()).isZero();
    }

    @Test
    void aLeaderChangeFailsEveryRound() {
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        rounds.start(List.of(first), core);
        rounds.start(List.of(second), core);

        rounds.failAll(EtcdError.LEADER_CHANGED.asException());

        for (CompletableFuture<Long> read : List.of(first, second)) {
            assertThat(read).failsWithin(Duration.ZERO).withThrowableThat()
                    .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t)))
                            .contains(EtcdError.LEADER_CHANGED));
        }
        assertThat(rounds.size()).isZero();
    }

    private void ticks(int n) {
        ticks(n, core);
    }

    private void ticks(int n, Consumer<byte[]> readIndex) {
        for (int i = 0; i < n; i++) {
            rounds.tick(readIndex);
        }
    }
}
