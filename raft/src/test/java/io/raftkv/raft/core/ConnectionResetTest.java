package io.raftkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RaftNode#reportConnectionReset}: the transport saw the leader's host close its
 * connection (the process died), so its followers need not wait out the election timeout. It
 * must only ever speed an election up: a leader that is alive, merely slow or cut off, stays.
 */
class ConnectionResetTest {

    /** The most ticks a reset may take to start a campaign (electionTicks / 4 in the test config). */
    private static final int RESET_CAMPAIGN_TICKS = 10 / 4;

    @Test
    void aResetFromTheDeadLeaderElectsANewLeaderWellBeforeTheElectionTimeout() {
        for (long seed = 0; seed < 20; seed++) {
            long s = seed;
            TestNetwork net = TestNetwork.of(id -> TestNetwork.config(id, s * 31 + id), 1, 2, 3);
            net.elect(1);
            long term = net.member(1).status().term();
            // Node 1's process dies: its peers' connections to it are reset.
            net.isolate(1);
            net.node(2).reportConnectionReset(1);
            net.node(3).reportConnectionReset(1);
            net.processReadies();
            assertThat(net.member(2).status().leaderId()).as("a reset ends the dead leader's lease").isZero();

            int ticks = 0;
            while (leaderAmong(net, 2, 3) == 0 && ticks < 10) {
                net.tick(2, 1);
                net.tick(3, 1);
                net.deliverAll();
                ticks++;
            }
            assertThat(leaderAmong(net, 2, 3)).as("seed %d: a leader among the survivors", s).isNotZero();
            // Even when both campaign in the same tick they do not split the vote: the one that is
            // outranked stands down (see aPreCandidateStandsDownForOneThatOutranksIt).
            assertThat(ticks).as("seed %d: ticks to elect after the reset", s).isLessThanOrEqualTo(RESET_CAMPAIGN_TICKS);
            assertThat(net.member(leaderAmong(net, 2, 3)).status().term()).isEqualTo(term + 1);
        }
    }

    @Test
    void withoutAResetACutOffLeaderKeepsItsFollowersForAFullElectionTimeout() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.member(1).status().term();
        // A partition or a paused process closes no connection: no reset is reported.
        net.isolate(1);
        for (int i = 0; i < 9; i++) { // electionTicks - 1
            net.tick(2, 1);
            net.tick(3, 1);
            net.deliverAll();
        }
        for (long id : new long[] {2, 3}) {
            RaftNode.Status s = net.member(id).status();
            assertThat(s.role()).isEqualTo(SoftState.Role.FOLLOWER);
            assertThat(s.leaderId()).isEqualTo(1);
            assertThat(s.term()).isEqualTo(term);
        }
    }

    @Test
    void aResetSeenByOneFollowerCannotDeposeALeaderTheOthersStillHear() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.member(1).status().term();
        // Node 3 sees a reset (say a proxy dropped its connection) but the leader is alive, and
        // node 2 hears it. Node 3 campaigns at once; the leader and node 2 refuse its pre-vote.
        net.node(3).reportConnectionReset(1);
        net.cut(1, 3); // and node 3 stays cut off, so no heartbeat brings it back meanwhile
        for (int i = 0; i < 2 * RESET_CAMPAIGN_TICKS; i++) {
            net.tick(3, 1);
            net.deliverAll();
        }
        assertThat(net.sent).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Message.VoteRequest.class,
                v -> assertThat(v.from()).isEqualTo(3)));
        assertThat(net.member(3).status().role()).isEqualTo(SoftState.Role.PRE_CANDIDATE);
        assertThat(net.member(2).status().leaderId()).isEqualTo(1);
        assertThat(net.member(2).status().term()).isEqualTo(term);
        assertThat(net.leader()).isEqualTo(1);
        assertThat(net.member(1).status().term()).isEqualTo(term);
        // Once the link is back, the leader's next heartbeat makes node 3 its follower again.
        net.heal();
        net.tickAll(1);
        assertThat(net.member(3).status().leaderId()).isEqualTo(1);
        assertThat(net.member(3).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
        assertThat(net.member(1).status().term()).isEqualTo(term);
    }

    @Test
    void aFollowerThatSawTheResetGrantsAPreVoteDespiteStickinessOneThatDidNotRefuses() {
        TestNetwork net = TestNetwork.of(1, 2, 3, 4, 5);
        net.elect(1);
        long term = net.member(1).status().term();
        net.isolate(1);
        // 2 and 3 saw node 1's connection reset; 4 and 5 did not (yet) and are within its lease.
        for (long id : new long[] {2, 3}) {
            net.node(id).reportConnectionReset(1);
        }
        net.processReadies();
        // A pre-vote request from 2, as its campaign would send it.
        RaftNode.Status s2 = net.member(2).status();
        for (long to : new long[] {3, 4}) {
            net.node(to).step(new Message.VoteRequest(2, to, term + 1, true, s2.lastIndex(), term, false));
        }
        net.processReadies();
        assertThat(net.takeQueued()).filteredOn(m -> m instanceof Message.VoteResponse)
                .extracting(m -> m.from() + ":" + ((Message.VoteResponse) m).granted())
                .containsExactlyInAnyOrder("3:true");
        // Node 4 dropped the request outright (stickiness): it stays a follower of node 1.
        assertThat(net.member(4).status().leaderId()).isEqualTo(1);
        // With 2 and 3 alone a pre-vote cannot win among five: the others' timeouts decide.
        net.tick(2, 2 * RESET_CAMPAIGN_TICKS);
        net.tick(3, 2 * RESET_CAMPAIGN_TICKS);
        net.deliverAll();
        assertThat(net.member(2).status().term()).isEqualTo(term);
        assertThat(net.member(3).status().term()).isEqualTo(term);
        assertThat(net.leader()).isEqualTo(1); // still leader in its own eyes, cut off as it is
    }

    @Test
    void aResetFromAPeerThatIsNotTheLeaderIsIgnored() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.node(2).reportConnectionReset(3);
        net.node(1).reportConnectionReset(2); // the leader itself: nothing to do in the core
        net.processReadies();
        net.tick(2, RESET_CAMPAIGN_TICKS + 1);
        assertThat(net.member(2).status().leaderId()).isEqualTo(1);
        assertThat(net.member(2).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
        assertThat(net.leader()).isEqualTo(1);
    }

    @Test
    void withoutPreVoteAResetIsIgnoredBecauseACampaignWouldRaiseTheTerm() {
        TestNetwork net = TestNetwork.of(id -> RaftConfig.builder(id, new Random(id)).preVote(false)
                .maxInflightBytes(0).maxUncommittedBytes(0).build(), 1, 2, 3);
        net.elect(1);
        long term = net.member(1).status().term();
        net.node(2).reportConnectionReset(1);
        net.tick(2, RESET_CAMPAIGN_TICKS + 1);
        net.deliverAll();
        assertThat(net.member(2).status().leaderId()).isEqualTo(1);
        assertThat(net.member(2).status().term()).isEqualTo(term);
    }

    @Test
    void aPreCandidateStandsDownForOneThatOutranksIt() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.member(1).status().term();
        net.isolate(1);
        net.node(2).reportConnectionReset(1);
        net.node(3).reportConnectionReset(1);
        // Both campaign in the same instant: their pre-vote requests cross.
        while (net.member(2).status().role() != SoftState.Role.PRE_CANDIDATE) {
            net.tick(2, 1);
        }
        while (net.member(3).status().role() != SoftState.Role.PRE_CANDIDATE) {
            net.tick(3, 1);
        }
        net.deliverAll();
        // Each granted the other's pre-vote, but node 3 (same log, higher id) stood down, so only
        // node 2 went on to a real campaign, and it won it without a split vote.
        assertThat(net.leader()).isEqualTo(2);
        assertThat(net.member(2).status().term()).isEqualTo(term + 1);
        assertThat(net.sent).filteredOn(m -> m instanceof Message.VoteRequest v && !v.preVote() && v.term() == term + 1)
                .extracting(Message::from).containsOnly(2L);
    }

    private static long leaderAmong(TestNetwork net, long... ids) {
        for (long id : ids) {
            if (net.member(id).status().role() == SoftState.Role.LEADER) {
                return id;
            }
        }
        return 0;
    }
}
