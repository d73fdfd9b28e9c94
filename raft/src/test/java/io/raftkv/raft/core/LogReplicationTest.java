package io.raftkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raft paper §5.3 (log replication), with pipelining, flow control, batching and the uncommitted cap. */
class LogReplicationTest {

    private static TestNetwork cluster(long maxMessageBytes, int maxInflight, long maxInflightBytes,
                                       long maxUncommitted, long... ids) {
        return TestNetwork.of(id -> RaftConfig.builder(id, new Random(id)).maxMessageBytes(maxMessageBytes)
                .maxInflightMessages(maxInflight).maxInflightBytes(maxInflightBytes).maxUncommittedBytes(maxUncommitted)
                .build(), ids);
    }

    @Test
    void section5_3_theLeaderReplicatesAndEveryNodeAppliesTheSameEntriesInOrder() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        for (int i = 0; i < 20; i++) {
            net.propose(1, "v" + i);
        }
        net.deliverAll();
        net.tickAll(2);
        for (long id : net.ids()) {
            assertThat(net.member(id).appliedData()).hasSize(20);
            assertThat(net.member(id).applied).isEqualTo(net.member(1).applied);
        }
    }

    @Test
    void section5_3_aFollowerRejectsAnAppendWhosePreviousEntryDoesNotMatch() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        RaftNode n = net.node(2);
        // The follower holds 1..3 of term 1; the leader claims index 3 has term 2.
        n.step(new Message.AppendRequest(1, 2, 2, 3, 2, List.of(Entry.normal(2, 4, new byte[1])), 3));
        Ready rd = n.ready();
        assertThat(rd.entries()).isEmpty();
        assertThat(rd.messagesAfterPersist()).singleElement()
                .satisfies(m -> assertThat(((Message.AppendResponse) m).rejected()).isTrue());
        n.advance(rd);
    }

    @Test
    void theBrokenVariantAcceptsAnAppendWithoutCheckingThePreviousTerm() {
        TestNetwork net = TestNetwork.of(id -> RaftConfig.builder(id, new Random(id)).maxInflightBytes(0)
                .maxUncommittedBytes(0).injectedBugs(Set.of(TestOnlyBug.APPEND_WITHOUT_PREV_TERM_CHECK)).build(), 1, 2, 3);
        RaftNode n = net.node(2);
        n.step(new Message.AppendRequest(1, 2, 2, 3, 2, List.of(Entry.normal(2, 4, new byte[1])), 3));
        Ready rd = n.ready();
        assertThat(rd.entries()).hasSize(1);
        n.advance(rd);
    }

    @Test
    void section5_3_fastBackoffSkipsAWholeConflictingTermInOneRoundTrip() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        // The old leader, cut off, appends 50 entries nobody else gets.
        net.isolate(1);
        for (int i = 0; i < 50; i++) {
            net.propose(1, "lost" + i);
        }
        net.tickAll(60); // it steps down (check-quorum); 2 or 3 is elected
        long newLeader = net.leader();
        assertThat(newLeader).isIn(2L, 3L);
        for (int i = 0; i < 20; i++) {
            net.propose(newLeader, "kept" + i);
        }
        net.deliverAll();
        // Another election while node 1 is still away, so the next leader probes node 1 from the end of
        // its (longer) log, 20 entries past where the logs diverge.
        net.restart(newLeader);
        net.tickAll(60);
        newLeader = net.leader();
        int sentBefore = net.sent.size();
        net.heal();
        net.tickAll(5);
        long rejections = net.sent.subList(sentBefore, net.sent.size()).stream()
                .filter(m -> m instanceof Message.AppendResponse r && r.rejected() && r.from() == 1).count();
        // One rejection carries the hint that skips the whole conflicting stretch (not 20 round trips).
        assertThat(rejections).isBetween(1L, 2L);
        assertThat(net.member(1).applied).isEqualTo(net.member(newLeader).applied);
        assertThat(net.member(1).status().lastIndex()).isEqualTo(net.member(newLeader).status().lastIndex());
    }

    private static long appendsTo(List<Message> msgs, long to) {
        return msgs.stream().filter(m -> m instanceof Message.AppendRequest a && a.to() == to
                && !a.entries().isEmpty()).count();
    }

    @Test
    void pipelining_theInflightWindowIsLimitedByCount() {
        TestNetwork net = cluster(1, 3, 0, 0, 1, 2, 3); // one entry per message, 3 in flight
        net.elect(1);
        for (int i = 0; i < 10; i++) {
            net.propose(1, "v" + i);
        }
        List<Message> queued = net.takeQueued();
        assertThat(appendsTo(queued, 2)).isEqualTo(3);
        // Acknowledgements open the window again until everything is through.
        queued.forEach(net::deliver);
        net.deliverAll();
        assertThat(net.member(2).appliedData()).hasSize(10);
    }

    @Test
    void pipelining_theInflightWindowIsLimitedByBytes() {
        long entryBytes = Entry.normal(1, 1, "v0".getBytes()).sizeBytes();
        TestNetwork net = cluster(1, 256, 4 * entryBytes, 0, 1, 2, 3);
        net.elect(1);
        for (int i = 0; i < 10; i++) {
            net.propose(1, "v" + i);
        }
        List<Message> queued = net.takeQueued();
        assertThat(appendsTo(queued, 2)).isEqualTo(4);
        queued.forEach(net::deliver);
        net.deliverAll();
        assertThat(net.member(2).appliedData()).hasSize(10);
    }

    @Test
    void batching_aLaggingFollowerGetsEntriesInMessagesOfAtMostMaxMessageBytes() {
        long entryBytes = Entry.normal(1, 1, new byte[100]).sizeBytes();
        TestNetwork net = cluster(3 * entryBytes, 256, 0, 0, 1, 2, 3);
        net.elect(1);
        net.isolate(2);
        for (int i = 0; i < 10; i++) {
            net.node(1).propose(new byte[100]);
        }
        net.deliverAll();
        net.node(1).reportUnreachable(2);
        int sentBefore = net.sent.size();
        net.heal();
        net.tickAll(3);
        List<Message.AppendRequest> appends = net.sent.subList(sentBefore, net.sent.size()).stream()
                .filter(m -> m instanceof Message.AppendRequest a && a.to() == 2 && !a.entries().isEmpty())
                .map(m -> (Message.AppendRequest) m).toList();
        assertThat(appends).allSatisfy(a -> assertThat(a.entries()).hasSizeLessThanOrEqualTo(3));
        assertThat(appends).anySatisfy(a -> assertThat(a.entries()).hasSize(3));
        assertThat(net.member(2).appliedData()).hasSize(10);
    }

    @Test
    void batching_proposalsMadeBetweenTwoReadiesLeaveInOneAppendPerFollower() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        for (int i = 0; i < 50; i++) {
            net.propose(1, "v" + i);
        }
        List<Message> queued = net.takeQueued();
        assertThat(appendsTo(queued, 2)).isEqualTo(1);
        assertThat(queued).filteredOn(m -> m instanceof Message.AppendRequest a && a.to() == 2).singleElement()
                .satisfies(m -> assertThat(((Message.AppendRequest) m).entries()).hasSize(50));
        queued.forEach(net::deliver);
        net.deliverAll();
        assertThat(net.member(3).appliedData()).hasSize(50);
    }

    @Test
    void theLeaderRefusesProposalsBeyondTheUncommittedByteCap() {
        long entryBytes = Entry.normal(1, 1, new byte[100]).sizeBytes();
        TestNetwork net = cluster(1 << 20, 256, 0, 5 * entryBytes, 1, 2, 3);
        net.elect(1);
        net.isolate(1);
        for (int i = 0; i < 5; i++) {
            net.node(1).propose(new byte[100]);
        }
        assertThatThrownBy(() -> net.node(1).propose(new byte[100]))
                .isInstanceOfSatisfying(ProposalRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProposalRejectedException.Reason.UNCOMMITTED_LIMIT));
        // Once the backlog commits, proposals are accepted again.
        net.heal();
        net.tickAll(2);
        assertThat(net.member(1).appliedData()).hasSize(5);
        net.node(1).propose(new byte[100]);
    }

    @Test
    void aFollowerProposalIsRefusedWithTheLeaderHint() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        assertThatThrownBy(() -> net.node(2).propose(new byte[1]))
                .isInstanceOfSatisfying(ProposalRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProposalRejectedException.Reason.NOT_LEADER);
                    assertThat(e.leaderHint()).isEqualTo(1);
                });
    }
}
