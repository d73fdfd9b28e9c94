package io.raftkv.server.node;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.AlarmResponse;
import io.raftkv.proto.etcd.CompactionResponse;
import io.raftkv.proto.etcd.DeleteRangeResponse;
import io.raftkv.proto.etcd.LeaseGrantResponse;
import io.raftkv.proto.etcd.LeaseRevokeResponse;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.etcd.TxnResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.raft.ProposeRequest;
import io.raftkv.proto.raft.ProposeResponse;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.SoftState;
import io.raftkv.server.api.EtcdError;
import io.raftkv.server.apply.AppliedIndexWaiter;
import io.raftkv.server.apply.ProposalTracker;
import io.raftkv.server.raft.RaftDriver;
import io.raftkv.storage.mvcc.ApplyResult;
import io.raftkv.storage.mvcc.EtcdException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * Gets a mutation into the log and answers with its applied result. On the leader it proposes
 * to the local core and waits for the entry to be applied; on a follower it forwards the
 * request to the leader over the peer protocol, so a client may write to any member.
 */
public final class Proposer {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Proposer.class);
    /** Committed-but-unapplied entries beyond which writes are refused (etcd's maxGapBetweenApplyAndCommitIndex). */
    static final long MAX_APPLY_LAG = 5_000;
    /** How often a proposal that arrived during an election looks for the new leader. */
    private static final long LEADER_POLL_MILLIS = 10;

    private final RaftDriver driver;
    private final ProposalTracker tracker;
    private final LongFunction<ManagedChannel> peerChannel;
    private final long requestTimeoutMillis;
    private final AppliedIndexWaiter applied;
    private final long leaderWaitMillis;

    /**
     * @param leaderWaitMillis how long a proposal made while no leader is known waits for one
     *                         before it fails with {@code etcdserver: no leader}
     */
    public Proposer(RaftDriver driver, ProposalTracker tracker, LongFunction<ManagedChannel> peerChannel,
                    long requestTimeoutMillis, AppliedIndexWaiter applied, long leaderWaitMillis) {
        this.driver = driver;
        this.tracker = tracker;
        this.peerChannel = peerChannel;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.applied = applied;
        this.leaderWaitMillis = leaderWaitMillis;
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
            return proposeLocally(request).thenApply(Proposer::unwrap);
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

    private CompletableFuture<ApplyResult> proposeLocally(InternalRequest request) {
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
        return result.orTimeout(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                .exceptionally(t -> {
                    throw new CompletionException(asStatus(t));
                });
    }

    private CompletableFuture<Message> forward(long leader, InternalRequest request) {
        ManagedChannel channel = peerChannel.apply(leader);
        if (channel == null) {
            return CompletableFuture.failedFuture(EtcdError.NO_LEADER.asException());
        }
        CompletableFuture<Message> result = new CompletableFuture<>();
        RaftTransportGrpc.newStub(channel).withDeadlineAfter(requestTimeoutMillis, TimeUnit.MILLISECONDS)
                .propose(ProposeRequest.newBuilder().setRequest(request).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(ProposeResponse response) {
                        if (response.getErrorCode() != 0) {
                            result.completeExceptionally(Status.fromCodeValue(response.getErrorCode())
                                    .withDescription(response.getErrorMessage()).asRuntimeException());
                            return;
                        }
                        try {
                            result.complete(parserFor(request).parseFrom(response.getResponse()));
                        } catch (InvalidProtocolBufferException e) {
                            result.completeExceptionally(EtcdError.TIMEOUT.asException());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status s = Status.fromThrowable(t);
                        log.info("forwarding a {} to leader {} failed: {}", request.getRequestCase(),
                                Long.toUnsignedString(leader, 16), s);
                        // The leader may or may not have applied it: report what etcd reports.
                        result.completeExceptionally(s.getCode() == Status.Code.DEADLINE_EXCEEDED
                                ? EtcdError.TIMEOUT.asException()
                                : s.getCode() == Status.Code.UNAVAILABLE && s.getDescription() != null
                                        && s.getDescription().startsWith("etcdserver:")
                                        ? s.asRuntimeException()
                                        : EtcdError.TIMEOUT_LEADER_FAIL.asException());
                    }

                    @Override
                    public void onCompleted() {}
                });
        return result;
    }

    /** The leader's side of a forwarded proposal. */
    public void propose(ProposeRequest request, StreamObserver<ProposeResponse> response) {
        RaftNode.Status status = driver.status();
        if (status.role() != SoftState.Role.LEADER) {
            // Leadership moved while the request travelled; the follower's client retries.
            reply(response, ProposeResponse.newBuilder().setErrorCode(EtcdError.LEADER_CHANGED.code().value())
                    .setErrorMessage(EtcdError.LEADER_CHANGED.message()).build());
            return;
        }
        if (applyLagging(status)) {
            reply(response, ProposeResponse.newBuilder().setErrorCode(EtcdError.TOO_MANY_REQUESTS.code().value())
                    .setErrorMessage(EtcdError.TOO_MANY_REQUESTS.message()).build());
            return;
        }
        proposeLocally(request.getRequest()).whenComplete((result, error) -> {
            if (error != null) {
                Status s = Status.fromThrowable(error instanceof CompletionException ? error.getCause() : error);
                reply(response, ProposeResponse.newBuilder().setErrorCode(s.getCode().value())
                        .setErrorMessage(s.getDescription() == null ? "" : s.getDescription()).build());
            } else if (result instanceof ApplyResult.Rejected r) {
                reply(response, ProposeResponse.newBuilder()
                        .setErrorCode(Status.Code.valueOf(r.error().code().name()).value())
                        .setErrorMessage(r.error().getMessage()).build());
            } else if (result instanceof ApplyResult.Applied a) {
                reply(response, ProposeResponse.newBuilder().setResponse(a.response().toByteString()).build());
            } else {
                reply(response, ProposeResponse.newBuilder()
                        .setResponse(ResponseHeader.getDefaultInstance().toByteString()).build());
            }
        });
    }

    private static void reply(StreamObserver<ProposeResponse> response, ProposeResponse value) {
        response.onNext(value);
        response.onCompleted();
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

    private static Parser<? extends Message> parserFor(InternalRequest request) {
        return switch (request.getRequestCase()) {
            case PUT -> PutResponse.parser();
            case DELETE_RANGE -> DeleteRangeResponse.parser();
            case TXN -> TxnResponse.parser();
            case COMPACTION -> CompactionResponse.parser();
            case LEASE_GRANT -> LeaseGrantResponse.parser();
            case LEASE_REVOKE -> LeaseRevokeResponse.parser();
            case ALARM -> AlarmResponse.parser();
            default -> ResponseHeader.parser();
        };
    }
}
