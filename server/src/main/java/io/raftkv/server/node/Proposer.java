package io.raftkv.server.node;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.ProposalPlacement;
import io.raftkv.raft.core.Proposal;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.SoftState;
import io.raftkv.server.api.EtcdError;
import io.raftkv.server.apply.AppliedIndexWaiter;
import io.raftkv.server.apply.ProposalTracker;
import io.raftkv.server.metrics.ServerMetrics;
import io.raftkv.server.raft.RaftDriver;
import io.raftkv.server.transport.ProposalLinks;
import io.raftkv.server.transport.RaftTransportService;
import io.raftkv.storage.mvcc.ApplyResult;
import io.raftkv.storage.mvcc.EtcdException;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gets a mutation into the log and answers with its applied result. On the leader it proposes
 * to the local core and waits for the entry to be applied. A follower forwards the encoded
 * request to the leader on the peer stream, as etcd forwards MsgProp: the leader appends it and
 * answers only with the (index, term) it went to, and the follower answers its client from its
 * own apply of that entry, matched by {@link ProposalTracker} exactly like a local proposal. The
 * leader thus never waits for, encodes or sends a follower's result.
 */
public final class Proposer implements RaftTransportService.Forwarding {
    /** Committed-but-unapplied entries beyond which writes are refused (etcd's maxGapBetweenApplyAndCommitIndex). */
    static final long MAX_APPLY_LAG = 5_000;
    /** How often a proposal that arrived during an election looks for the new leader. */
    private static final long LEADER_POLL_MILLIS = 10;

    /** A forwarded proposal whose placement the leader has not sent yet. */
    private record Unplaced(long leader, CompletableFuture<ApplyResult> result) {}

    private final RaftDriver driver;
    private final ProposalTracker tracker;
    private final ProposalLinks links;
    private final long requestTimeoutMillis;
    private final AppliedIndexWaiter applied;
    private final long leaderWaitMillis;
    private final ServerMetrics metrics;
    private final Map<Long, Unplaced> unplaced = new ConcurrentHashMap<>();

    /**
     * @param leaderWaitMillis how long a proposal made while no leader is known waits for one
     *                         before it fails with {@code etcdserver: no leader}
     */
    public Proposer(RaftDriver driver, ProposalTracker tracker, ProposalLinks links,
                    long requestTimeoutMillis, AppliedIndexWaiter applied, long leaderWaitMillis,
                    ServerMetrics metrics) {
        this.driver = driver;
        this.tracker = tracker;
        this.links = links;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.applied = applied;
        this.leaderWaitMillis = leaderWaitMillis;
        this.metrics = metrics;
    }

    /**
     * Proposes {@code request} and completes with etcd's response for it (its header carries the
     * revision), or fails with a {@link StatusRuntimeException} holding etcd's error.
     */
    public CompletableFuture<Message> propose(InternalRequest request) {
        return propose(request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaderWaitMillis));
    }

    private CompletableFuture<Message> propose(InternalRequest request, long leaderDeadline) {
        RaftNode.Status status = driver.status();
        if (applyLagging(status)) {
            return CompletableFuture.failedFuture(EtcdError.TOO_MANY_REQUESTS.asException());
        }
        if (status.role() == SoftState.Role.LEADER) {
            return proposeLocally(request);
        }
        if (status.leaderId() == 0) {
            if (System.nanoTime() - leaderDeadline >= 0 || !driver.isRunning()) {
                return CompletableFuture.failedFuture(EtcdError.NO_LEADER.asException());
            }
            // An election is under way (a follower that saw its leader's connection reset forgets
            // it at once): like etcd, the write waits a little for the next leader instead of
            // failing a client that would only retry.
            return CompletableFuture.runAsync(() -> { },
                            CompletableFuture.delayedExecutor(LEADER_POLL_MILLIS, TimeUnit.MILLISECONDS))
                    .thenCompose(v -> propose(request, leaderDeadline));
        }
        return forward(status.leaderId(), request);
    }

    /**
     * Applying is far behind committing (a stalled apply): the Raft thread never waits for the
     * apply thread, so back-pressure lands here, on the callers, as etcd's refusal.
     */
    private boolean applyLagging(RaftNode.Status status) {
        return status.commitIndex() - applied.applied() > MAX_APPLY_LAG;
    }

    private CompletableFuture<Message> proposeLocally(InternalRequest request) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        long id = tracker.register(result);
        byte[] data = request.toBuilder().setId(id).build().toByteArray();
        driver.propose(data).whenComplete((proposal, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                tracker.placed(id, proposal);
            }
        });
        return answer(result);
    }

    private CompletableFuture<Message> forward(long leader, InternalRequest request) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        long id = tracker.register(result);
        unplaced.put(id, new Unplaced(leader, result));
        result.whenComplete((r, t) -> unplaced.remove(id));
        ForwardedProposal proposal = ForwardedProposal.newBuilder().setId(id)
                .setData(request.toBuilder().setId(id).build().toByteString()).build();
        switch (links.forward(leader, proposal)) {
            case NO_ADDRESS -> result.completeExceptionally(EtcdError.NO_LEADER.asException());
            case QUEUE_FULL -> result.completeExceptionally(EtcdError.TOO_MANY_REQUESTS.asException());
            case YES -> { }
        }
        return answer(result);
    }

    /**
     * The client's answer: the applied result, or etcd's error once the request timeout passes.
     * A proposal that failed to be applied counts as failed (etcd's metric); one the state
     * machine refused (a request error) does not.
     */
    private CompletableFuture<Message> answer(CompletableFuture<ApplyResult> result) {
        return result.orTimeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                .handle((r, t) -> {
                    if (t != null) {
                        metrics.proposalFailed();
                        throw new CompletionException(asStatus(t));
                    }
                    return unwrap(r);
                });
    }

    /** The leader's side: a follower's mutation, appended here and answered with where it went. */
    @Override
    public void forwarded(long follower, ForwardedProposal proposal) {
        RaftNode.Status status = driver.status();
        if (status.role() != SoftState.Role.LEADER) {
            // Leadership moved while the request travelled; the follower's client retries.
            links.place(follower, refusal(proposal.getId(), EtcdError.LEADER_CHANGED.asException()));
            return;
        }
        if (applyLagging(status)) {
            links.place(follower, refusal(proposal.getId(), EtcdError.TOO_MANY_REQUESTS.asException()));
            return;
        }
        driver.propose(proposal.getData().toByteArray()).whenComplete((placed, error) -> links.place(follower,
                error != null
                        ? refusal(proposal.getId(), asStatus(error))
                        : ProposalPlacement.newBuilder().setId(proposal.getId())
                                .setIndex(placed.index()).setTerm(placed.term()).build()));
    }

    private static ProposalPlacement refusal(long id, StatusRuntimeException error) {
        Status s = error.getStatus();
        return ProposalPlacement.newBuilder().setId(id).setErrorCode(s.getCode().value())
                .setErrorMessage(s.getDescription() == null ? "" : s.getDescription()).build();
    }

    /** The follower's side: from here on the call waits for this member's own apply of the entry. */
    @Override
    public void placed(long leader, ProposalPlacement placement) {
        Unplaced call = unplaced.get(placement.getId());
        if (call == null || call.leader() != leader) {
            return; // timed out already, or not a proposal this member sent to that leader
        }
        unplaced.remove(placement.getId());
        if (placement.getErrorCode() != 0) {
            call.result().completeExceptionally(Status.fromCodeValue(placement.getErrorCode())
                    .withDescription(placement.getErrorMessage()).asRuntimeException());
        } else {
            tracker.placed(placement.getId(), new Proposal(placement.getIndex(), placement.getTerm()));
        }
    }

    /**
     * The stream to {@code peer} broke: proposals forwarded to it and not yet placed may or may
     * not have reached it, so their calls fail with etcd's error for exactly that.
     */
    public void peerLost(long peer) {
        for (Unplaced call : unplaced.values()) {
            if (call.leader() == peer) {
                call.result().completeExceptionally(EtcdError.TIMEOUT_LEADER_FAIL.asException());
            }
        }
    }

    private static Message unwrap(ApplyResult result) {
        if (result instanceof ApplyResult.Applied a) {
            return a.response();
        }
        if (result instanceof ApplyResult.Rejected r) {
            throw new CompletionException(toStatus(r.error()));
        }
        return ResponseHeader.getDefaultInstance();
    }

    public static StatusRuntimeException toStatus(EtcdException e) {
        return Status.fromCode(Status.Code.valueOf(e.code().name())).withDescription(e.getMessage()).asRuntimeException();
    }

    static StatusRuntimeException asStatus(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof StatusRuntimeException s) {
            return s;
        }
        if (cause instanceof EtcdException e) {
            return toStatus(e);
        }
        if (cause instanceof TimeoutException) {
            return EtcdError.TIMEOUT.asException();
        }
        return Status.INTERNAL.withDescription("raftkv: " + cause).asRuntimeException();
    }
}
