package io.raftkv.server.raft;

import io.grpc.StatusRuntimeException;
import io.raftkv.raft.core.ProposalRejectedException;
import io.raftkv.raft.core.ReadState;
import io.raftkv.server.api.EtcdError;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The ReadIndex rounds this node asked the core for and has not yet had an answer to. Nothing in
 * Raft tells a follower that its request or the leader's answer was lost (or that a non-leader
 * refused it), so each round is sent again every {@code retryTicks}, as etcd does, and its reads
 * fail with {@code etcdserver: request timed out} once {@code timeoutTicks} have passed. An
 * answer to any attempt serves the round: it confirms an index after the reads arrived.
 *
 * <p>Time is the driver's ticks. Only the Raft thread uses it.
 */
final class PendingReadRounds {

    private static final class Round {
        final List<CompletableFuture<Long>> reads;
        final byte[] context;
        final long deadline;
        long nextAttempt;

        Round(List<CompletableFuture<Long>> reads, byte[] context, long deadline, long nextAttempt) {
            this.reads = reads;
            this.context = context;
            this.deadline = deadline;
            this.nextAttempt = nextAttempt;
        }
    }

    private final int retryTicks;
    private final int timeoutTicks;
    private final Executor completions;
    private final Map<Long, Round> rounds = new LinkedHashMap<>();
    private long sequence;
    private long now;

    /**
     * @param completions where answered rounds complete their reads, and so where what a reader
     *                    chained on them (range, header, serialization) runs: never the Raft thread
     */
    PendingReadRounds(int retryTicks, int timeoutTicks, Executor completions) {
        if (retryTicks <= 0 || timeoutTicks < retryTicks) {
            throw new IllegalArgumentException("need 0 < retryTicks <= timeoutTicks, got " + retryTicks + " and "
                    + timeoutTicks);
        }
        this.retryTicks = retryTicks;
        this.timeoutTicks = timeoutTicks;
        this.completions = completions;
    }

    /**
     * Starts one round for {@code reads}: {@code readIndex} (the core's) is asked with the round's
     * context. If it refuses at once (no leader known), the reads fail with its reason.
     */
    void start(List<CompletableFuture<Long>> reads, Consumer<byte[]> readIndex) {
        long id = ++sequence;
        byte[] context = ByteBuffer.allocate(Long.BYTES).putLong(id).array();
        try {
            readIndex.accept(context);
        } catch (ProposalRejectedException e) {
            StatusRuntimeException error = RaftErrors.toStatus(e);
            reads.forEach(r -> r.completeExceptionally(error));
            return;
        }
        rounds.put(id, new Round(new ArrayList<>(reads), context, now + timeoutTicks, now + retryTicks));
    }

    /** The core confirmed a read index: the round it answers is served (a repeated answer is ignored). */
    void complete(ReadState state) {
        if (state.context().length != Long.BYTES) {
            return;
        }
        Round round = rounds.remove(ByteBuffer.wrap(state.context()).getLong());
        if (round != null) {
            long index = state.index();
            completions.execute(() -> round.reads.forEach(r -> r.complete(index)));
        }
    }

    /** One tick passed: rounds past their deadline fail, unanswered ones are asked again. */
    void tick(Consumer<byte[]> readIndex) {
        now++;
        for (Iterator<Round> it = rounds.values().iterator(); it.hasNext(); ) {
            Round round = it.next();
            if (now >= round.deadline) {
                it.remove();
                round.reads.forEach(r -> r.completeExceptionally(EtcdError.TIMEOUT.asException()));
            } else if (now >= round.nextAttempt) {
                round.nextAttempt = now + retryTicks;
                try {
                    readIndex.accept(round.context);
                } catch (ProposalRejectedException e) {
                    // No leader known now: a later attempt may find one before the deadline.
                }
            }
        }
    }

    /** The leader changed or the driver stops: no answer will come for any round. */
    void failAll(StatusRuntimeException error) {
        rounds.values().forEach(round -> round.reads.forEach(r -> r.completeExceptionally(error)));
        rounds.clear();
    }

    /** Rounds waiting for an answer. */
    int size() {
        return rounds.size();
    }
}
