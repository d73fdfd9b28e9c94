package io.raftkv.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.mvcc.KeyValue;
import io.raftkv.proto.raft.ForwardedProposal;
import io.raftkv.proto.raft.ProposalPlacement;
import io.raftkv.server.api.EtcdError;
import io.raftkv.server.apply.NoApplyHooks;
import io.raftkv.server.metrics.ServerMetrics;
import io.raftkv.server.raft.DriverCluster;
import io.raftkv.server.raft.RaftDriverListener;
import io.raftkv.server.transport.ProposalLinks;
import io.raftkv.storage.mvcc.MvccStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower's write travels to the leader on the peer stream; the leader answers only with where
 * it appended it, and the follower answers its client from its own apply of that entry.
 */
class ProposalForwardingTest {
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

    @TempDir
    Path dir;

    private final Map<Long, ApplyingMember> members = new ConcurrentHashMap<>();
    private final Map<Long, Proposer> proposers = new ConcurrentHashMap<>();
    private final ForwardingLinks links = new ForwardingLinks();
    private volatile Throwable raftFailure;
    private DriverCluster cluster;
    private long leader;
    private long follower;

    @BeforeEach
    void start() {
        cluster = new DriverCluster(3, this::member);
        leader = cluster.awaitLeader();
        follower = cluster.aFollower();
        for (long id = 1; id <= 3; id++) {
            Proposer p = proposer(id, links.of(id));
            proposers.put(id, p);
            links.register(id, p);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        cluster.close();
        for (ApplyingMember m : members.values()) {
            m.close();
        }
        assertThat(raftFailure).as("a Raft thread failed").isNull();
    }

    @Test
    void aFollowerAnswersAForwardedWriteFromItsOwnApply() throws Exception {
        Message response = proposers.get(follower).propose(put("k", "v")).get(10, TimeUnit.SECONDS);

        long revision = ((PutResponse) response).getHeader().getRevision();
        // Answered only once applied here: the follower's own state machine already holds the write.
        KeyValue onFollower = latest(members.get(follower).store(), "k");
        assertThat(onFollower.getValue().toStringUtf8()).isEqualTo("v");
        assertThat(onFollower.getModRevision()).isEqualTo(revision);
        // And it is the entry the leader appended, at the same revision everywhere.
        long applied = members.get(follower).waiter().applied();
        await().atMost(Duration.ofSeconds(10)).until(() -> members.get(leader).waiter().applied() >= applied);
        KeyValue onLeader = latest(members.get(leader).store(), "k");
        assertThat(onLeader.getModRevision()).isEqualTo(revision);
    }

    @Test
    void writesThroughEveryMemberAreAppliedOnceEachInOneOrder() throws Exception {
        List<CompletableFuture<Message>> calls = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add(proposers.get((long) (i % 3) + 1).propose(put("k" + i, "v" + i)));
        }
        long[] revisions = new long[calls.size()];
        for (int i = 0; i < calls.size(); i++) {
            revisions[i] = ((PutResponse) calls.get(i).get(10, TimeUnit.SECONDS)).getHeader().getRevision();
        }
        assertThat(revisions).doesNotHaveDuplicates();
        for (int i = 0; i < calls.size(); i++) {
            MvccStore answering = members.get((long) (i % 3) + 1).store();
            assertThat(latest(answering, "k" + i).getModRevision()).isEqualTo(revisions[i]);
        }
    }

    @Test
    void aMemberThatDoesNotLeadRefusesAForwardedProposalWithLeaderChanged() {
        List<ProposalPlacement> placements = new CopyOnWriteArrayList<>();
        Proposer notLeader = proposer(follower, recording(placements));

        notLeader.forwarded(leader, ForwardedProposal.newBuilder().setId(42)
                .setData(put("k", "v").toBuilder().setId(42).build().toByteString()).build());

        assertThat(placements).singleElement().satisfies(p -> {
            assertThat(p.getId()).isEqualTo(42);
            assertThat(EtcdError.of(Status.fromCodeValue(p.getErrorCode()).withDescription(p.getErrorMessage())))
                    .contains(EtcdError.LEADER_CHANGED);
        });
    }

    @Test
    void theLeadersRefusalReachesTheFollowersClientAndOnlyFromThatLeader() {
        List<ForwardedProposal> sent = new CopyOnWriteArrayList<>();
        Proposer p = proposer(follower, new ProposalLinks() {
            @Override
            public Queued forward(long to, ForwardedProposal proposal) {
                sent.add(proposal);
                return Queued.YES;
            }

            @Override
            public void place(long to, ProposalPlacement placement) {}
        });
        CompletableFuture<Message> call = p.propose(put("k", "v"));
        assertThat(sent).hasSize(1);
        ProposalPlacement refused = ProposalPlacement.newBuilder().setId(sent.get(0).getId())
                .setErrorCode(EtcdError.TOO_MANY_REQUESTS.code().value())
                .setErrorMessage(EtcdError.TOO_MANY_REQUESTS.message()).build();
        long otherMember = 6 - leader - follower;

        p.placed(otherMember, refused);
        assertThat(call).isNotDone();

        p.placed(leader, refused);
        assertFailsWith(call, EtcdError.TOO_MANY_REQUESTS);
    }

    @Test
    void aBrokenStreamToTheLeaderFailsItsUnplacedCallsAsPossiblyApplied() {
        links.dropProposals(p -> true);
        CompletableFuture<Message> call = proposers.get(follower).propose(put("k", "v"));

        proposers.get(follower).peerLost(6 - leader - follower);
        assertThat(call).isNotDone();

        proposers.get(follower).peerLost(leader);
        assertFailsWith(call, EtcdError.TIMEOUT_LEADER_FAIL);
    }

    @Test
    void aProposalThatCannotLeaveIsRefusedAtOnce() {
        assertFailsWith(proposer(follower, refusing(ProposalLinks.Queued.NO_ADDRESS)).propose(put("k", "v")),
                EtcdError.NO_LEADER);
        assertFailsWith(proposer(follower, refusing(ProposalLinks.Queued.QUEUE_FULL)).propose(put("k", "v")),
                EtcdError.TOO_MANY_REQUESTS);
    }

    private Proposer proposer(long id, ProposalLinks links) {
        ApplyingMember m = members.get(id);
        return new Proposer(cluster.driver(id), m.tracker(), links, REQUEST_TIMEOUT_MILLIS, m.waiter(), 1_000,
                new ServerMetrics());
    }

    private RaftDriverListener member(long id) {
        ApplyingMember m = ApplyingMember.open(dir, id, new NoApplyHooks());
        members.put(id, m);
        return m.listener(cause -> raftFailure = cause);
    }

    private static ProposalLinks recording(List<ProposalPlacement> placements) {
        return new ProposalLinks() {
            @Override
            public Queued forward(long to, ForwardedProposal proposal) {
                throw new AssertionError("not expected to forward");
            }

            @Override
            public void place(long to, ProposalPlacement placement) {
                placements.add(placement);
            }
        };
    }

    private static ProposalLinks refusing(ProposalLinks.Queued outcome) {
        return new ProposalLinks() {
            @Override
            public Queued forward(long to, ForwardedProposal proposal) {
                return outcome;
            }

            @Override
            public void place(long to, ProposalPlacement placement) {}
        };
    }

    private static void assertFailsWith(CompletableFuture<Message> call, EtcdError expected) {
        assertThat(call).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(expected));
    }

    private static InternalRequest put(String key, String value) {
        return InternalRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value))).build();
    }

    private static KeyValue latest(MvccStore store, String key) {
        var kvs = store.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()).getKvsList();
        assertThat(kvs).as("key %s", key).hasSize(1);
        return kvs.get(0);
    }
}
