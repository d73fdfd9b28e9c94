package io.raftkv.client;

import io.raftkv.proto.etcd.ClusterGrpc;
import io.raftkv.proto.etcd.MemberAddRequest;
import io.raftkv.proto.etcd.MemberListRequest;
import io.raftkv.proto.etcd.MemberPromoteRequest;
import io.raftkv.proto.etcd.MemberRemoveRequest;
import io.raftkv.proto.etcd.MemberUpdateRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Membership: list, add (as voter or learner), remove, promote a learner, update peer URLs.
 * The list is a read, retried on any UNAVAILABLE; the changes are writes, retried only when the
 * request never left the client.
 */
public final class ClusterClient {
  private final Failover failover;

  ClusterClient(Failover failover) {
    this.failover = failover;
  }

  public record Members(Header header, List<Member> members) {
    public Members {
      members = List.copyOf(members);
    }
  }

  public record MemberAdded(Header header, Member member, List<Member> members) {
    public MemberAdded {
      members = List.copyOf(members);
    }
  }

  public CompletableFuture<Members> list() {
    return failover.call(Idempotency.READ,
        (ch, d) -> ClusterGrpc.newFutureStub(ch).withDeadline(d).memberList(MemberListRequest.getDefaultInstance()))
        .thenApply(r -> new Members(Header.from(r.getHeader()), r.getMembersList().stream().map(Member::from).toList()));
  }

  public CompletableFuture<MemberAdded> add(List<String> peerUrls, boolean learner) {
    var request = MemberAddRequest.newBuilder().addAllPeerURLs(peerUrls).setIsLearner(learner).build();
    return failover.call(Idempotency.MUTATION,
        (ch, d) -> ClusterGrpc.newFutureStub(ch).withDeadline(d).memberAdd(request))
        .thenApply(r -> new MemberAdded(Header.from(r.getHeader()), Member.from(r.getMember()),
            r.getMembersList().stream().map(Member::from).toList()));
  }

  public CompletableFuture<Members> remove(long memberId) {
    var request = MemberRemoveRequest.newBuilder().setID(memberId).build();
    return failover.call(Idempotency.MUTATION,
        (ch, d) -> ClusterGrpc.newFutureStub(ch).withDeadline(d).memberRemove(request))
        .thenApply(r -> new Members(Header.from(r.getHeader()), r.getMembersList().stream().map(Member::from).toList()));
  }

  public CompletableFuture<Members> update(long memberId, List<String> peerUrls) {
    var request = MemberUpdateRequest.newBuilder().setID(memberId).addAllPeerURLs(peerUrls).build();
    return failover.call(Idempotency.MUTATION,
        (ch, d) -> ClusterGrpc.newFutureStub(ch).withDeadline(d).memberUpdate(request))
        .thenApply(r -> new Members(Header.from(r.getHeader()), r.getMembersList().stream().map(Member::from).toList()));
  }

  public CompletableFuture<Members> promote(long memberId) {
    var request = MemberPromoteRequest.newBuilder().setID(memberId).build();
    return failover.call(Idempotency.MUTATION,
        (ch, d) -> ClusterGrpc.newFutureStub(ch).withDeadline(d).memberPromote(request))
        .thenApply(r -> new Members(Header.from(r.getHeader()), r.getMembersList().stream().map(Member::from).toList()));
  }
}
