package io.raftkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Raft paper §5.2 (leader election), plus pre-vote, check-quorum and leader stickiness (thesis §9.6). */
class LeaderElectionTest {

    @Test
    void section5_2_aClusterElectsExactlyOneLeaderAndEveryoneFollowsIt() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.tickAll(40);
        long leader = net.leader();
        assertThat(leader).isNotZero();
        for (long id : net.ids()) {
            RaftNode.Status s = net.member(id).status();
            assertThat(s.leaderId()).isEqualTo(leader);
            assertThat(s.role()).isEqualTo(id == leader ? SoftState.Role.LEADER : SoftState.Role.FOLLOWER);
        }
    }

    @Test
    void section5_2_electionTimeoutsAreRandomizedFromTheInjectedRandom() {
        // Each node's first campaign comes after a timeout in [e, 2e): count ticks until it campaigns.
        Set<Integer> timeouts = new HashSet<>();
        for (long s = 0; s < 20; s++) {
            long seed = s;
            TestNetwork net = TestNetwork.of(id -> RaftConfig.builder(id, new Random(seed)).preVote(false)
                    .checkQuorum(false).maxInflightBytes(0).maxUncommittedBytes(0).build(), 1, 2, 3);
            RaftNode n = net.node(1);
            int ticks = 0;
            while (n.status().role() == SoftState.Role.FOLLOWER) {
                n.tick();
                ticks++;
            }
            assertThat(ticks).isBetween(10, 19);
            timeouts.add(ticks);
        }
        assertThat(timeouts).hasSizeGreaterThan(3);
    }

    @Test
    void sameSeedGivesTheSameElection() {
        long first = TestNetwork.of(1, 2, 3, 4, 5).tickAllAndLeader(60);
        assertThat(TestNetwork.of(1, 2, 3, 4, 5).tickAllAndLeader(60)).isEqualTo(first);
    }

    @Test
    void section5_2_aCandidateNeedsAMajority() {
        TestNetwork net = TestNetwork.of(id -> RaftConfig.builder(id, new Random(id)).preVote(false)
                .checkQuorum(false).maxInflightBytes(0).maxUncommittedBytes(0).build(), 1, 2, 3, 4, 5);
        net.isolate(1);
        net.cut(1, 2); // 1 can reach nobody
        net.tick(1, 40);
        net.deliverAll();
        assertThat(net.member(1).status().role()).isEqualTo(SoftState.Role.CANDIDATE);
        assertThat(net.member(2).status().term()).isEqualTo(1);
    }

    @Test
    void preVoteKeepsAnIsolatedNodeFromRaisingItsTerm() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.member(1).status().term();
        net.isolate(3);
        net.tick(3, 100);
        net.deliverAll();
        assertThat(net.member(3).status().term()).isEqualTo(term);
        assertThat(net.member(3).status().role()).isEqualTo(SoftState.Role.PRE_CANDIDATE);
        // It rejoins without deposing the leader.
        net.heal();
        net.tickAll(5);
        assertThat(net.leader()).isEqualTo(1);
        assertThat(net.member(1).status().term()).isEqualTo(term);
        assertThat(net.member(3).status().leaderId()).isEqualTo(1);
    }

    @Test
    void withoutPreVoteAnIsolatedNodeRaisesItsTermAndDisruptsTheLeaderOnRejoining() {
        TestNetwork net = TestNetwork.of(id -> RaftConfig.builder(id, new Random(id)).preVote(false)
                .checkQuorum(false).maxInflightBytes(0).maxUncommittedBytes(0).build(), 1, 2, 3);
        net.elect(1);
        long term = net.member(1).status().term();
        net.isolate(3);
        net.tick(3, 100);
        assertThat(net.member(3).status().term()).isGreaterThan(term);
        net.heal();
        net.tickAll(1);
        assertThat(net.member(1).status().term()).isGreaterThan(term); // the disruption pre-vote avoids
    }

    @Test
    void checkQuorum_aLeaderThatCannotHearAQuorumStepsDown() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.isolate(1);
        net.tick(1, 2 * 10);
        assertThat(net.member(1).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
        assertThat(net.member(1).status().leaderId()).isZero();
    }

    @Test
    void checkQuorum_aLeaderHearingAQuorumStaysLeader() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.cut(1, 3);
        for (int i = 0; i < 50; i++) {
            net.tick(1, 1);
            net.deliverAll();
        }
        assertThat(net.member(1).status().role()).isEqualTo(SoftState.Role.LEADER);
    }

    @Test
    void leaderStickiness_aFollowerThatHeardFromItsLeaderIgnoresVoteRequests() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.member(2).status().term();
        RaftNode.Status before = net.member(2).status();
        net.node(2).step(new Message.VoteRequest(3, 2, term + 1, false, 100, term, false));
        net.processReadies();
        assertThat(net.member(2).status()).isEqualTo(before);
        assertThat(net.takeQueued()).noneMatch(m -> m instanceof Message.VoteResponse);
    }

    @Test
    void leaderStickiness_doesNotApplyToLeadershipTransferVotes() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.member(2).status().term();
        net.node(2).step(new Message.VoteRequest(3, 2, term + 1, false, 100, term, true));
        net.processReadies();
        assertThat(net.member(2).status().term()).isEqualTo(term + 1);
        assertThat(net.member(2).status().vote()).isEqualTo(3);
    }

    @Test
    void section5_4_1_aVoterRefusesACandidateWhoseLogIsLessUpToDate() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.propose(1, "x");
        net.deliverAll();
        long term = net.member(2).status().term();
        long last = net.member(2).status().lastIndex();
        net.tick(2, 30); // leave the leader's lease
        net.takeQueued();
        net.isolate(1);
        net.node(2).step(new Message.VoteRequest(3, 2, term + 1, false, last - 1, term, false));
        net.processReadies();
        assertThat(net.takeQueued()).filteredOn(m -> m instanceof Message.VoteResponse)
                .singleElement().satisfies(m -> assertThat(((Message.VoteResponse) m).granted()).isFalse());
    }

    @Test
    void votesAreGrantedOncePerTerm() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        RaftNode n = net.node(2);
        n.step(new Message.VoteRequest(1, 2, 2, false, 3, 1, false));
        n.step(new Message.VoteRequest(3, 2, 2, false, 3, 1, false));
        Ready rd = n.ready();
        assertThat(rd.messagesAfterPersist()).extracting(m -> ((Message.VoteResponse) m).granted())
                .containsExactly(true, false);
        n.advance(rd);
    }
}
