package io.raftkv.server.api;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.LeaseGrpc;
import io.raftkv.proto.etcd.LeaseGrantRequest;
import io.raftkv.proto.etcd.LeaseGrantResponse;
import io.raftkv.proto.etcd.LeaseKeepAliveRequest;
import io.raftkv.proto.etcd.LeaseKeepAliveResponse;
import io.raftkv.proto.etcd.LeaseLeasesRequest;
import io.raftkv.proto.etcd.LeaseLeasesResponse;
import io.raftkv.proto.etcd.LeaseRevokeRequest;
import io.raftkv.proto.etcd.LeaseRevokeResponse;
import io.raftkv.proto.etcd.LeaseStatus;
import io.raftkv.proto.etcd.LeaseTimeToLiveRequest;
import io.raftkv.proto.etcd.LeaseTimeToLiveResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.raft.LeaseRenewRequest;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.server.node.RaftKvNode;
import io.raftkv.storage.mvcc.LeaseInfo;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd's Lease service. Grant and revoke go through the log; keep-alives and remaining TTLs are
 * answered by the leader, which alone tracks expiry (a follower forwards them), with no log entry.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
    /** etcd's upper bound on a lease TTL. */
    static final long MAX_LEASE_TTL = 9_000_000_000L;

    private final RaftKvNode node;
    private final NodeGuards guards;

    public LeaseService(RaftKvNode node, NodeGuards guards) {
        this.node = node;
        this.guards = guards;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> response) {
        try {
            guards.refuseLearner();
            if (request.getTTL() > MAX_LEASE_TTL) {
                throw EtcdError.LEASE_TTL_TOO_LARGE.asException();
            }
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        // The minimum TTL etcd enforces: ceil(1.5 x election timeout).
        long minTtl = (long) Math.ceil(1.5 * node.config().electionTimeoutMillis() / 1000.0);
        LeaseGrantRequest adjusted = request.getTTL() < minTtl ? request.toBuilder().setTTL(minTtl).build() : request;
        Calls.reply(node.propose(InternalRequest.newBuilder().setLeaseGrant(adjusted).build()).thenApply(m -> {
            LeaseGrantResponse r = (LeaseGrantResponse) m;
            return r.toBuilder().setHeader(node.header(r.getHeader().getRevision())).build();
        }), response);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> response) {
        try {
            guards.refuseLearner();
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        Calls.reply(node.propose(InternalRequest.newBuilder().setLeaseRevoke(request).build()).thenApply(m -> {
            LeaseRevokeResponse r = (LeaseRevokeResponse) m;
            return r.toBuilder().setHeader(node.header(r.getHeader().getRevision())).build();
        }), response);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> response) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveRequest request) {
                if (node.isLearner()) {
                    response.onError(EtcdError.NOT_SUPPORTED_FOR_LEARNER.asException());
                    return;
                }
                renew(request.getID(), false).whenComplete((ttl, error) -> {
                    if (error != null) {
                        response.onError(Calls.toStatus(error));
                        return;
                    }
                    // etcd answers a keep-alive of an unknown lease with TTL 0.
                    synchronized (response) {
                        response.onNext(LeaseKeepAliveResponse.newBuilder().setHeader(node.header())
                                .setID(request.getID()).setTTL(Math.max(ttl, 0)).build());
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                // client went away
            }

            @Override
            public void onCompleted() {
                response.onCompleted();
            }
        };
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> response) {
        Calls.reply(node.linearizableBarrier().thenCompose(v -> renew(request.getID(), true)).thenApply(ttl -> {
            Optional<LeaseInfo> lease = node.store().lease(request.getID());
            LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder().setHeader(node.header())
                    .setID(request.getID());
            if (lease.isEmpty() || ttl < 0) {
                return b.setTTL(-1).build(); // etcd: an unknown lease has TTL -1
            }
            b.setTTL(ttl).setGrantedTTL(lease.get().grantedTtl());
            if (request.getKeys()) {
                b.addAllKeys(lease.get().keys());
            }
            return b.build();
        }), response);
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> response) {
        Calls.reply(node.linearizableBarrier().thenApply(v -> {
            LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder().setHeader(node.header());
            node.store().leases().forEach(l -> b.addLeases(LeaseStatus.newBuilder().setID(l.id())));
            return b.build();
        }), response);
    }

    /** Renews (or, with {@code queryOnly}, just reads) a lease's TTL on the leader. -1: no such lease. */
    private CompletableFuture<Long> renew(long id, boolean queryOnly) {
        if (node.isLeader()) {
            return CompletableFuture.completedFuture(queryOnly ? node.leases().remainingSeconds(id) : node.leases().renew(id));
        }
        long leader = node.leaderId();
        ManagedChannel channel = leader == 0 ? null : node.transport().channel(leader);
        if (channel == null) {
            return CompletableFuture.failedFuture(EtcdError.NO_LEADER.asException());
        }
        CompletableFuture<Long> result = new CompletableFuture<>();
        RaftTransportGrpc.newStub(channel).withDeadlineAfter(node.requestTimeoutMillis(), TimeUnit.MILLISECONDS)
                .leaseRenew(LeaseRenewRequest.newBuilder().setId(id).setQueryOnly(queryOnly).build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(io.raftkv.proto.raft.LeaseRenewResponse value) {
                                result.complete(value.getTtl());
                            }

                            @Override
                            public void onError(Throwable t) {
                                result.completeExceptionally(EtcdError.TIMEOUT.asException());
                            }

                            @Override
                            public void onCompleted() {}
                        });
        return result;
    }
}
