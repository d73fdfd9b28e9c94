package io.raftkv.server.node;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.LeaseRenewRequest;
import io.raftkv.proto.raft.LeaseRenewResponse;
import io.raftkv.proto.raft.ProgressRequest;
import io.raftkv.proto.raft.ProgressResponse;
import io.raftkv.server.transport.RaftTransportService;

/** Serves what followers ask of the leader: lease renewals and progress queries. */
public final class LeaderEndpoint implements RaftTransportService.LeaderRequests {
    private final RaftKvNode node;

    public LeaderEndpoint(RaftKvNode node) {
        this.node = node;
    }

    @Override
    public void leaseRenew(LeaseRenewRequest request, StreamObserver<LeaseRenewResponse> response) {
        if (!node.isLeader()) {
            // Not "no such lease": the follower must not tell its client the lease is gone.
            response.onError(io.raftkv.server.api.EtcdError.LEADER_CHANGED.asException());
            return;
        }
        long ttl;
        if (request.getQueryOnly()) {
            ttl = node.leases().remainingSeconds(request.getId());
        } else {
            ttl = node.leases().renew(request.getId());
        }
        response.onNext(LeaseRenewResponse.newBuilder().setTtl(ttl).build());
        response.onCompleted();
    }

    @Override
    public void progress(ProgressRequest request, StreamObserver<ProgressResponse> response) {
        response.onNext(ProgressResponse.newBuilder().setAppliedIndex(node.appliedIndex())
                .setLeaderId(node.leaderId()).build());
        response.onCompleted();
    }
}
