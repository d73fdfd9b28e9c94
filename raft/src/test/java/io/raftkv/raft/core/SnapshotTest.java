package io.raftkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Raft paper §7 (log compaction): InstallSnapshot to followers whose next entry was compacted away. */
class SnapshotTest {

    private static TestNetwork clusterWithLaggingFollower() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.isolate(3);
        for (int i = 0; i < 20; i++) {
            net.propose(1, "v" + i);
        }
        net.deliverAll();
        return net;
    }

    @Test
    void section7_aFollowerBehindTheCompactedLogReceivesASnapshotAndCatchesUp() {
        TestNetwork net = clusterWithLaggingFollower();
        Snapshot snap = net.compact(1);
        assertThat(net.member(1).storage.firstIndex()).isEqualTo(snap.index() + 1);
        int sentBefore = net.sent.size();
        net.heal();
        net.tickAll(3);
        assertThat(net.sent.subList(sentBefore, net.sent.size()))
                .filteredOn(m -> m instanceof Message.InstallSnapshotRequest).singleElement()
                .satisfies(m -> assertThat(((Message.InstallSnapshotRequest) m).snapshot()).isEqualTo(snap));
        assertThat(net.member(3).storage.snapshot()).isEqualTo(snap);
        assertThat(net.member(3).appliedData()).hasSize(20);
        // Replication continues normally after the snapshot.
        net.propose(1, "after");
        net.tickAll(2);
        assertThat(net.member(3).applied).isEqualTo(net.member(1).applied);
    }

    @Test
    void section7_aLostSnapshotIsSentAgainAfterAnElectionTimeout() {
        TestNetwork net = clusterWithLaggingFollower();
        net.compact(1);
        net.heal();
        net.drop(m -> m instanceof Message.InstallSnapshotRequest);
        net.tickAll(3);
        assertThat(net.member(3).appliedData()).isEmpty();
        net.heal();
        net.tickAll(15);
        assertThat(net.member(3).appliedData()).hasSize(20);
    }

    @Test
    void section7_aFollowerThatAlreadyHasTheSnapshotsEntriesIgnoresIt() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        for (int i = 0; i < 5; i++) {
            net.propose(1, "v" + i);
        }
        net.tickAll(2);
        Snapshot snap = net.compact(1);
        RaftNode follower = net.node(2);
        follower.step(new Message.InstallSnapshotRequest(1, 2, follower.status().term(), snap));
        Ready rd = follower.ready();
        assertThat(rd.snapshot()).isEmpty();
        assertThat(rd.messagesAfterPersist()).singleElement().satisfies(m ->
                assertThat(((Message.AppendResponse) m).index()).isEqualTo(follower.status().commitIndex()));
        follower.advance(rd);
    }

    @Test
    void reportSnapshotFailureMakesTheLeaderProbeAgain() {
        TestNetwork net = clusterWithLaggingFollower();
        net.compact(1);
        net.heal();
        net.drop(m -> m instanceof Message.InstallSnapshotRequest);
        net.tickAll(2);
        net.heal();
        net.node(1).reportSnapshot(3, false);
        net.tickAll(2);
        assertThat(net.member(3).appliedData()).hasSize(20);
    }

    @Test
    void aNodeRestartsFromItsCompactedStorage() {
        TestNetwork net = clusterWithLaggingFollower();
        net.compact(1);
        net.restart(1);
        assertThat(net.node(1).status().appliedIndex()).isEqualTo(net.member(1).appliedIndex);
        net.heal();
        net.tickAll(60);
        long leader = net.leader();
        net.propose(leader, "after-restart");
        net.tickAll(3);
        for (long id : List.of(1L, 2L, 3L)) {
            assertThat(net.member(id).appliedData()).hasSize(21);
        }
    }
}
