package io.raftkv.raft.core;

import io.raftkv.raft.core.ProposalRejectedException.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raft thesis §3.10 (leadership transfer with TimeoutNow). */
class LeadershipTransferTest {

    private static void assertRejected(Runnable r, Reason reason) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ProposalRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void section3_10_aCaughtUpVoterTakesOverAtOnceDespiteTheLeaderLease() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.node(1).status().term();
        net.node(1).transferLeadership(2);
        net.deliverAll();
        assertThat(net.leader()).isEqualTo(2);
        assertThat(net.node(2).status().term()).isEqualTo(term + 1);
        assertThat(net.node(1).status().role()).isEqualTo(SoftState.Role.FOLLOWER);
        assertThat(net.node(1).status().leaderId()).isEqualTo(2);
    }

    @Test
    void section3_10_aLaggingTargetIsBroughtUpToDateBeforeTimeoutNow() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.isolate(3);
        for (int i = 0; i < 10; i++) {
            net.propose(1, "v" + i);
        }
        net.deliverAll();
        net.heal();
        int sentBefore = net.sent.size();
        long lastIndex = net.node(1).status().lastIndex();
        net.node(1).transferLeadership(3);
        assertRejected(() -> net.propose(1, "during"), Reason.LEADERSHIP_TRANSFER);
        net.deliverAll();
        List<Message> traffic = net.sent.subList(sentBefore, net.sent.size());
        int timeoutNow = indexOf(traffic, m -> m instanceof Message.TimeoutNow);
        int caughtUp = indexOf(traffic, m -> m instanceof Message.AppendResponse r && r.from() == 3
                && r.index() >= lastIndex);
        assertThat(caughtUp).isNotNegative();
        assertThat(timeoutNow).isGreaterThan(caughtUp);
        assertThat(net.leader()).isEqualTo(3);
        assertThat(net.member(3).appliedData()).hasSize(10);
    }

    private static int indexOf(List<Message> msgs, java.util.function.Predicate<Message> p) {
        for (int i = 0; i < msgs.size(); i++) {
            if (p.test(msgs.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void section3_10_aTransferThatDoesNotFinishWithinAnElectionTimeoutIsAbandoned() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.isolate(3);
        net.propose(1, "x");
        net.deliverAll();
        net.node(1).transferLeadership(3);
        assertRejected(() -> net.propose(1, "during"), Reason.LEADERSHIP_TRANSFER);
        for (int i = 0; i < 10; i++) {
            net.tick(1, 1);
            net.deliverAll();
        }
        assertThat(net.leader()).isEqualTo(1);
        net.propose(1, "after"); // accepted again
    }

    @Test
    void learnersUnknownNodesAndNonLeadersAreRefused() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.node(1).proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 4, new byte[0]));
        net.addEmptyNode(4);
        net.tickAll(3);
        assertRejected(() -> net.node(1).transferLeadership(4), Reason.INVALID_TRANSFER_TARGET);
        assertRejected(() -> net.node(1).transferLeadership(9), Reason.INVALID_TRANSFER_TARGET);
        assertRejected(() -> net.node(2).transferLeadership(3), Reason.NOT_LEADER);
        assertThat(net.leader()).isEqualTo(1);
    }
}
