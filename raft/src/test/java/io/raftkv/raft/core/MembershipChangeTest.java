package io.raftkv.raft.core;

import io.raftkv.raft.core.ProposalRejectedException.Reason;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raft thesis §4 (single-server membership changes) with learners, as RaftKV does them. */
class MembershipChangeTest {

    private static ConfChange change(ConfChange.Type type, long id) {
        return new ConfChange(type, id, new byte[0]);
    }

    private static void assertRejected(Runnable r, Reason reason) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ProposalRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void section4_aLearnerReceivesTheLogButNeverCountsForCommit() {
        TestNetwork net = TestNetwork.of(1, 2);
        net.elect(1);
        net.addEmptyNode(3);
        net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 3));
        net.tickAll(3);
        net.propose(1, "a");
        net.tickAll(2);
        assertThat(net.member(3).appliedData()).containsExactly("a".getBytes());
        assertThat(net.node(3).status().confState()).isEqualTo(new ConfState(Set.of(1L, 2L), Set.of(3L)));
        // With voter 2 gone, the learner's acknowledgement does not make a quorum.
        net.isolate(2);
        long commit = net.node(1).status().commitIndex();
        net.propose(1, "b");
        net.deliverAll();
        assertThat(net.node(3).status().lastIndex()).isGreaterThan(commit);
        assertThat(net.node(1).status().commitIndex()).isEqualTo(commit);
    }

    @Test
    void section4_aLearnerNeverCampaignsAndItsVoteIsNotCounted() {
        TestNetwork net = TestNetwork.of(1, 2);
        net.elect(1);
        net.addEmptyNode(3);
        net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 3));
        net.tickAll(3);
        net.isolate(1);
        net.tick(3, 100);
        assertThat(net.node(3).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
        // Voter 2 campaigns; only voters 1 and 2 count, so the learner's vote alone cannot elect it.
        net.tick(2, 100);
        assertThat(net.node(2).status().role()).isNotEqualTo(SoftState.Role.LEADER);
    }

    @Test
    void section4_aPromotedLearnerVotesAndCounts() {
        TestNetwork net = TestNetwork.of(1, 2);
        net.elect(1);
        net.addEmptyNode(3);
        net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 3));
        net.tickAll(3);
        net.node(1).proposeConfChange(change(ConfChange.Type.PROMOTE_LEARNER, 3));
        net.tickAll(3);
        assertThat(net.node(1).status().confState()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L)));
        // Now 1 and 3 are a quorum without 2.
        net.isolate(2);
        net.propose(1, "c");
        net.deliverAll();
        assertThat(net.member(1).appliedData()).containsExactly("c".getBytes());
    }

    @Test
    void section4_aRemovedVoterNoLongerCounts() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.node(1).proposeConfChange(change(ConfChange.Type.REMOVE_NODE, 3));
        net.tickAll(3);
        assertThat(net.node(1).status().confState()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L)));
        // {1, 2} needs both: without 2 nothing commits, even though 3 still runs.
        net.isolate(2);
        long commit = net.node(1).status().commitIndex();
        net.propose(1, "d");
        net.deliverAll();
        assertThat(net.node(1).status().commitIndex()).isEqualTo(commit);
        net.tick(3, 100);
        assertThat(net.node(3).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
    }

    @Test
    void section4_2_2_removingTheLeaderMakesItStepDownOnceTheRemovalIsApplied() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.node(1).proposeConfChange(change(ConfChange.Type.REMOVE_NODE, 1));
        net.deliverAll();
        assertThat(net.node(1).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
        // It handed over with TimeoutNow, so the others elect a leader without waiting.
        long leader = net.leader();
        assertThat(leader).isIn(2L, 3L);
        net.propose(leader, "e");
        net.tickAll(2);
        assertThat(net.member(2).appliedData()).containsExactly("e".getBytes());
        assertThat(net.member(3).appliedData()).containsExactly("e".getBytes());
        net.tick(1, 100);
        assertThat(net.node(1).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
    }

    @Test
    void section4_1_onlyOneChangeMayBePendingAtATime() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4));
        assertRejected(() -> net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 5)),
                Reason.CONF_CHANGE_IN_PROGRESS);
        net.tickAll(2);
        net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 5));
    }

    @Test
    void section4_1_aNewLeaderAcceptsNoChangeBeforeItCommittedAnEntryOfItsTerm() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.drop(m -> m instanceof Message.AppendResponse);
        net.elect(1);
        assertRejected(() -> net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4)), Reason.NOT_READY);
        net.heal();
        net.tickAll(2);
        net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4));
    }

    @Test
    void invalidChangesAreRefused() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        assertRejected(() -> net.node(1).proposeConfChange(change(ConfChange.Type.REMOVE_NODE, 9)),
                Reason.INVALID_CONF_CHANGE);
        assertRejected(() -> net.node(1).proposeConfChange(change(ConfChange.Type.PROMOTE_LEARNER, 2)),
                Reason.INVALID_CONF_CHANGE);
        assertRejected(() -> net.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 2)),
                Reason.INVALID_CONF_CHANGE);
        assertRejected(() -> net.node(2).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4)),
                Reason.NOT_LEADER);
    }

    @Test
    void aNewVoterCatchesUpFromTheLogIncludingTheBootstrapMembership() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.propose(1, "before");
        net.addEmptyNode(4);
        net.node(1).proposeConfChange(change(ConfChange.Type.ADD_VOTER, 4));
        net.tickAll(3);
        assertThat(net.node(4).status().confState()).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L, 4L)));
        assertThat(net.member(4).applied).isEqualTo(net.member(1).applied);
    }
}
