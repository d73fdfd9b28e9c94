package io.raftkv.raft.core;

import io.raftkv.raft.core.ProposalRejectedException.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raft paper §8 / thesis §6.4: linearizable reads with ReadIndex. */
class ReadIndexTest {

    private static long heartbeatRoundsWithContext(List<Message> msgs) {
        return msgs.stream().filter(m -> m instanceof Message.HeartbeatRequest h && h.context().length > 0)
                .map(m -> new String(((Message.HeartbeatRequest) m).context()))
                .distinct().count();
    }

    @Test
    void section6_4_theLeaderAnswersAfterAQuorumConfirmsItsLeadership() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.propose(1, "x");
        net.deliverAll();
        long commit = net.node(1).status().commitIndex();
        net.node(1).readIndex("r1".getBytes());
        List<Message> round = net.takeQueued();
        assertThat(net.member(1).readStates).isEmpty(); // not before the quorum round
        assertThat(round).filteredOn(m -> m instanceof Message.HeartbeatRequest).hasSize(2);
        round.forEach(net::deliver);
        net.deliverAll();
        assertThat(net.member(1).readStates).singleElement().satisfies(rs -> {
            assertThat(rs.index()).isEqualTo(commit);
            assertThat(rs.context()).isEqualTo("r1".getBytes());
        });
    }

    @Test
    void section6_4_aPartitionedLeaderNeverAnswers() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.isolate(1);
        net.node(1).readIndex("r".getBytes());
        net.deliverAll();
        assertThat(net.member(1).readStates).isEmpty();
    }

    @Test
    void theBrokenVariantAnswersWithoutAQuorumRound() {
        TestNetwork net = TestNetwork.of(id -> RaftConfig.builder(id, new Random(id)).maxInflightBytes(0)
                .maxUncommittedBytes(0).injectedBugs(Set.of(TestOnlyBug.READ_INDEX_WITHOUT_QUORUM_CHECK)).build(), 1, 2, 3);
        net.elect(1);
        net.isolate(1);
        net.node(1).readIndex("r".getBytes());
        net.deliverAll();
        assertThat(net.member(1).readStates).hasSize(1);
    }

    @Test
    void concurrentReadsShareOneHeartbeatRound() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        int sentBefore = net.sent.size();
        for (int i = 0; i < 5; i++) {
            net.node(1).readIndex(("r" + i).getBytes());
        }
        net.deliverAll();
        assertThat(heartbeatRoundsWithContext(net.sent.subList(sentBefore, net.sent.size()))).isEqualTo(1);
        assertThat(net.member(1).readStates).extracting(rs -> new String(rs.context()))
                .containsExactly("r0", "r1", "r2", "r3", "r4");
    }

    @Test
    void section8_aNewLeaderRefusesReadsUntilItCommittedAnEntryOfItsTerm() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.drop(m -> m instanceof Message.AppendResponse);
        net.elect(1);
        assertThatThrownBy(() -> net.node(1).readIndex("r".getBytes()))
                .isInstanceOfSatisfying(ProposalRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_READY));
        // A follower's request is held meanwhile, and answered once the no-op commits.
        net.node(2).readIndex("f".getBytes());
        net.deliverAll();
        assertThat(net.member(2).readStates).isEmpty();
        net.heal();
        net.tickAll(3);
        assertThat(net.member(2).readStates).singleElement()
                .satisfies(rs -> assertThat(rs.index()).isEqualTo(net.node(1).status().commitIndex()));
    }

    @Test
    void section6_4_1_aFollowerObtainsTheReadIndexFromTheLeader() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.propose(1, "x");
        net.deliverAll();
        net.node(3).readIndex("f".getBytes());
        List<Message> forwarded = net.takeQueued();
        assertThat(forwarded).singleElement().isInstanceOf(Message.ReadIndexRequest.class);
        forwarded.forEach(net::deliver);
        net.deliverAll();
        assertThat(net.member(3).readStates).singleElement().satisfies(rs -> {
            assertThat(rs.index()).isEqualTo(net.node(1).status().commitIndex());
            assertThat(rs.context()).isEqualTo("f".getBytes());
        });
    }

    @Test
    void aFollowerWithoutALeaderRefuses() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        assertThatThrownBy(() -> net.node(2).readIndex("f".getBytes()))
                .isInstanceOfSatisfying(ProposalRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_LEADER));
    }

    @Test
    void aSingleVoterAnswersAtOnce() {
        TestNetwork net = TestNetwork.of(1);
        net.elect(1);
        int sentBefore = net.sent.size();
        net.node(1).readIndex("r".getBytes());
        net.processReadies();
        assertThat(net.member(1).readStates).hasSize(1);
        assertThat(net.sent.size()).isEqualTo(sentBefore);
    }
}
