package io.raftkv.server.api;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.ClusterGrpc;

import io.raftkv.proto.etcd.MemberAddRequest;
import io.raftkv.proto.etcd.MemberAddResponse;
import io.raftkv.proto.etcd.MemberListRequest;
import io.raftkv.proto.etcd.MemberListResponse;
import io.raftkv.proto.etcd.MemberPromoteRequest;
import io.raftkv.proto.etcd.MemberPromoteResponse;
import io.raftkv.proto.etcd.MemberRemoveRequest;
import io.raftkv.proto.etcd.MemberRemoveResponse;
import io.raftkv.proto.etcd.MemberUpdateRequest;
import io.raftkv.proto.etcd.MemberUpdateResponse;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.internal.MemberAttributesRequest;
import io.raftkv.proto.raft.MemberRecord;
import io.raftkv.proto.raft.ProgressRequest;
import io.raftkv.proto.raft.RaftTransportGrpc;
import io.raftkv.raft.core.ConfChange;
import io.raftkv.server.config.MemberIds;
import io.raftkv.server.node.RaftKvNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd's Cluster service, backed by Raft membership changes (one at a time, see raft/README.md).
 * Changes are made by the leader; a follower passes them to the leader's client port.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final RaftKvNode node;
    private final LeaderProxy proxy;

    public ClusterService(RaftKvNode node, LeaderProxy proxy) {
        this.node = node;
        this.proxy = proxy;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> response) {
        CompletableFuture<Void> barrier = request.getLinearizable()
                ? node.linearizableBarrier() : CompletableFuture.completedFuture(null);
        Calls.reply(barrier.thenApply(v -> MemberListResponse.newBuilder().setHeader(node.header())
                .addAllMembers(node.members().asEtcdMembers()).build()), response);
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> response) {
        Optional<ManagedChannel> leader = proxy.awaitLeader();
        if (leader.isPresent()) {
            Calls.reply(Calls.fromListenable(c -> ClusterGrpc.newFutureStub(c).withDeadlineAfter(proxy.deadlineMillis(),
                    TimeUnit.MILLISECONDS).memberAdd(request), leader.get()), response);
            return;
        }
        List<URI> urls;
        try {
            urls = parseUrls(request.getPeerURLsList());
            for (MemberRecord m : node.members().all()) {
                for (URI u : urls) {
                    if (m.getPeerUrlsList().contains(u.toString())) {
                        throw EtcdError.PEER_URL_EXISTS.asException();
                    }
                }
            }
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        // A fresh id, never a removed member's: the new member learns it from the cluster at start.
        long candidate = MemberIds.newMemberId(urls, node.config().initialClusterToken(), System.currentTimeMillis());
        while (node.members().get(candidate).isPresent()) {
            candidate = MemberIds.newMemberId(urls, node.config().initialClusterToken(), System.nanoTime());
        }
        long id = candidate;
        MemberRecord record = MemberRecord.newBuilder().setId(id)
                .addAllPeerUrls(urls.stream().map(URI::toString).toList()).setIsLearner(request.getIsLearner()).build();
        ConfChange change = new ConfChange(request.getIsLearner() ? ConfChange.Type.ADD_LEARNER : ConfChange.Type.ADD_VOTER,
                id, record.toByteArray());
        Calls.reply(node.proposeConfChange(change).thenApply(index -> MemberAddResponse.newBuilder()
                .setHeader(node.header())
                .setMember(node.members().get(id).map(io.raftkv.server.node.MemberRegistry::toEtcd)
                        .orElse(io.raftkv.server.node.MemberRegistry.toEtcd(record)))
                .addAllMembers(node.members().asEtcdMembers()).build()), response);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> response) {
        Optional<ManagedChannel> leader = proxy.awaitLeader();
        if (leader.isPresent()) {
            Calls.reply(Calls.fromListenable(c -> ClusterGrpc.newFutureStub(c).withDeadlineAfter(proxy.deadlineMillis(),
                    TimeUnit.MILLISECONDS).memberRemove(request), leader.get()), response);
            return;
        }
        if (node.members().get(request.getID()).isEmpty()) {
            response.onError(EtcdError.MEMBER_NOT_FOUND.asException());
            return;
        }
        ConfChange change = new ConfChange(ConfChange.Type.REMOVE_NODE, request.getID(), new byte[0]);
        Calls.reply(node.proposeConfChange(change).thenApply(index -> MemberRemoveResponse.newBuilder()
                .setHeader(node.header()).addAllMembers(node.members().asEtcdMembers()).build()), response);
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> response) {
        List<URI> urls;
        try {
            if (node.members().get(request.getID()).isEmpty()) {
                throw EtcdError.MEMBER_NOT_FOUND.asException();
            }
            urls = parseUrls(request.getPeerURLsList());
        } catch (RuntimeException e) {
            response.onError(Calls.toStatus(e));
            return;
        }
        InternalRequest update = InternalRequest.newBuilder().setMemberAttributes(MemberAttributesRequest.newBuilder()
                .setMemberId(request.getID()).addAllPeerUrls(urls.stream().map(URI::toString).toList())).build();
        Calls.reply(node.propose(update).thenCompose(r -> node.linearizableBarrier()).thenApply(v ->
                MemberUpdateResponse.newBuilder().setHeader(node.header())
                        .addAllMembers(node.members().asEtcdMembers()).build()), response);
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> response) {
        Optional<ManagedChannel> leader = proxy.awaitLeader();
        if (leader.isPresent()) {
            Calls.reply(Calls.fromListenable(c -> ClusterGrpc.newFutureStub(c).withDeadlineAfter(proxy.deadlineMillis(),
                    TimeUnit.MILLISECONDS).memberPromote(request), leader.get()), response);
            return;
        }
        Optional<MemberRecord> member = node.members().get(request.getID());
        if (member.isEmpty()) {
            response.onError(EtcdError.MEMBER_NOT_FOUND.asException());
            return;
        }
        if (!member.get().getIsLearner()) {
            response.onError(EtcdError.MEMBER_NOT_LEARNER.asException());
            return;
        }
        Calls.reply(learnerCaughtUp(request.getID()).thenCompose(ready -> {
            if (!ready) {
                throw EtcdError.LEARNER_NOT_READY.asException();
            }
            return node.proposeConfChange(new ConfChange(ConfChange.Type.PROMOTE_LEARNER, request.getID(), new byte[0]));
        }).thenApply(index -> MemberPromoteResponse.newBuilder().setHeader(node.header())
                .addAllMembers(node.members().asEtcdMembers()).build()), response);
    }

    /** etcd promotes only a learner whose log reaches 90% of the leader's. */
    private CompletableFuture<Boolean> learnerCaughtUp(long learner) {
        ManagedChannel channel = node.transport().channel(learner);
        if (channel == null) {
            return CompletableFuture.completedFuture(false);
        }
        long leaderApplied = node.appliedIndex();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        try {
            long applied = RaftTransportGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .progress(ProgressRequest.getDefaultInstance()).getAppliedIndex();
            result.complete(applied >= leaderApplied * 9 / 10);
        } catch (RuntimeException e) {
            result.complete(false);
        }
        return result;
    }

    private static List<URI> parseUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw EtcdError.MEMBER_BAD_URLS.asException();
        }
        return urls.stream().map(u -> {
            try {
                URI uri = new URI(u);
                if (uri.getHost() == null || uri.getPort() <= 0
                        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw EtcdError.MEMBER_BAD_URLS.asException();
                }
                return uri;
            } catch (URISyntaxException e) {
                throw EtcdError.MEMBER_BAD_URLS.asException();
            }
        }).toList();
    }
}
