package io.raftkv.server.recipes;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.election.CampaignRequest;
import io.raftkv.proto.election.CampaignResponse;
import io.raftkv.proto.election.ElectionGrpc;
import io.raftkv.proto.election.LeaderKey;
import io.raftkv.proto.election.LeaderRequest;
import io.raftkv.proto.election.LeaderResponse;
import io.raftkv.proto.election.ProclaimRequest;
import io.raftkv.proto.election.ProclaimResponse;
import io.raftkv.proto.election.ResignRequest;
import io.raftkv.proto.election.ResignResponse;
import io.raftkv.proto.etcd.Compare;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.TxnRequest;
import io.raftkv.proto.etcd.TxnResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.mvcc.KeyValue;
import io.raftkv.server.api.Calls;
import io.raftkv.server.node.RaftKvNode;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * etcd's server-side election (v3electionpb), which jetcd's Election client calls. The leader
 * is the campaigner whose key has the lowest create revision under the election name.
 */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {
    /** etcd's texts for these refusals (concurrency.ErrElectionNotLeader / ErrElectionNoLeader). */
    static final String NOT_LEADER = "election: not leader";
    static final String NO_LEADER = "election: no leader";

    private final RaftKvNode node;
    private final KeyOwnership ownership;
    private final ScheduledExecutorService observers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "election-observe");
        t.setDaemon(true);
        return t;
    });

    public ElectionService(RaftKvNode node) {
        this.node = node;
        this.ownership = new KeyOwnership(node);
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> response) {
        Context context = Context.current();
        ByteString key = KeyOwnership.ownerKey(request.getName(), request.getLease());
        ownership.enqueue(key, request.getValue(), request.getLease())
                .thenCompose(mine -> {
                    // Re-campaigning with the same lease updates the value, as etcd does.
                    if (mine.getValue().equals(request.getValue())) {
                        return java.util.concurrent.CompletableFuture.completedFuture(mine);
                    }
                    return proclaimIfOwner(key, mine.getCreateRevision(), request.getLease(), request.getValue())
                            .thenApply(ok -> mine);
                })
                .thenCompose(mine -> ownership.awaitTurn(request.getName(), mine, context::isCancelled)
                        .thenApply(v -> mine))
                .whenComplete((mine, error) -> {
                    if (error != null) {
                        response.onError(Calls.toStatus(error));
                        return;
                    }
                    response.onNext(CampaignResponse.newBuilder().setHeader(node.header())
                            .setLeader(LeaderKey.newBuilder().setName(request.getName()).setKey(key)
                                    .setRev(mine.getCreateRevision()).setLease(request.getLease())).build());
                    response.onCompleted();
                });
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> response) {
        LeaderKey leader = request.getLeader();
        proclaimIfOwner(leader.getKey(), leader.getRev(), leader.getLease(), request.getValue())
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        response.onError(Calls.toStatus(error));
                    } else if (!ok) {
                        response.onError(Status.UNKNOWN.withDescription(NOT_LEADER).asRuntimeException());
                    } else {
                        response.onNext(ProclaimResponse.newBuilder().setHeader(node.header()).build());
                        response.onCompleted();
                    }
                });
    }

    private java.util.concurrent.CompletableFuture<Boolean> proclaimIfOwner(ByteString key, long rev, long lease,
                                                                            ByteString value) {
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(rev))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value)
                        .setLease(lease)))
                .build();
        return node.propose(InternalRequest.newBuilder().setTxn(txn).build())
                .thenApply(m -> ((TxnResponse) m).getSucceeded());
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> response) {
        ownership.first(request.getName()).whenComplete((head, error) -> {
            if (error != null) {
                response.onError(Calls.toStatus(error));
            } else if (head.isEmpty()) {
                response.onError(Status.UNKNOWN.withDescription(NO_LEADER).asRuntimeException());
            } else {
                response.onNext(LeaderResponse.newBuilder().setHeader(node.header()).setKv(head.get()).build());
                response.onCompleted();
            }
        });
    }

    @Override
    public void observe(LeaderRequest request, StreamObserver<LeaderResponse> response) {
        ServerCallStreamObserver<LeaderResponse> out = (ServerCallStreamObserver<LeaderResponse>) response;
        AtomicReference<KeyValue> last = new AtomicReference<>();
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            if (out.isCancelled()) {
                return;
            }
            ownership.first(request.getName()).whenComplete((head, error) -> {
                Optional<KeyValue> h = error == null ? head : Optional.empty();
                KeyValue seen = last.get();
                if (h.isPresent() && (seen == null || h.get().getModRevision() != seen.getModRevision()
                        || !h.get().getKey().equals(seen.getKey()))) {
                    last.set(h.get());
                    synchronized (out) {
                        if (!out.isCancelled()) {
                            out.onNext(LeaderResponse.newBuilder().setHeader(node.header()).setKv(h.get()).build());
                        }
                    }
                }
                if (!out.isCancelled()) {
                    observers.schedule(poll[0], 50, TimeUnit.MILLISECONDS);
                }
            });
        };
        poll[0].run();
    }

    @Override
    public void resign(ResignRequest request, StreamObserver<ResignResponse> response) {
        LeaderKey leader = request.getLeader();
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(leader.getKey()).setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(leader.getRev()))
                .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(leader.getKey())))
                .build();
        node.propose(InternalRequest.newBuilder().setTxn(txn).build()).whenComplete((m, error) -> {
            if (error != null) {
                response.onError(Calls.toStatus(error));
            } else if (!((TxnResponse) m).getSucceeded()) {
                response.onError(Status.UNKNOWN.withDescription(NOT_LEADER).asRuntimeException());
            } else {
                response.onNext(ResignResponse.newBuilder().setHeader(node.header()).build());
                response.onCompleted();
            }
        });
    }
}
