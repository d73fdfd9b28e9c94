package io.raftkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raft paper §5.4.2 and figure 8, built by hand on five real nodes. The bootstrap log holds
 * indexes 1-5 (term 1), so the figure's index 2 is index 7 here, and each new leader also
 * appends its no-op barrier.
 */
class LeaderOnlyCommitsLogFromCurrentTermTest {

    private static final long FIG8_INDEX = 7;

    private static TestNetwork figure8(Set<TestOnlyBug> bugs) {
        // One entry per append (tiny maxMessageBytes) so the test can drop exactly the ones it wants;
        // no pre-vote/check-quorum so the votes happen exactly as in the paper.
        TestNetwork net = TestNetwork.of(id -> RaftConfig.builder(id, new Random(id)).preVote(false)
                .checkQuorum(false).maxMessageBytes(1).maxInflightBytes(0).maxUncommittedBytes(0).injectedBugs(bugs)
                .build(), 1, 2, 3, 4, 5);

        // (a) S1 leads term 2 and replicates the entry at index 7 to S2 only.
        net.elect(1);
        assertThat(net.member(1).status().commitIndex()).isEqualTo(6);
        net.drop(m -> m.from() == 1 && m.to() != 2);
        net.propose(1, "written-in-term-2");
        net.deliverAll();
        assertThat(net.member(2).status().lastIndex()).isEqualTo(FIG8_INDEX);

        // (b) S1 crashes; S5 is elected for term 3 by S3, S4 and itself, appends 7@3, replicates nothing.
        net.heal();
        net.isolate(1);
        net.drop(m -> m.from() == 5 && !(m instanceof Message.VoteRequest));
        net.elect(5);
        assertThat(net.member(5).status().term()).isEqualTo(3);
        assertThat(net.member(5).storage.term(FIG8_INDEX)).isEqualTo(3);

        // (c) S5 crashes; S1 restarts, is elected (term 4) and replicates index 7 (term 2) to S3:
        // now a majority {S1, S2, S3} stores it, but its own term-4 entry reaches only S2.
        net.heal();
        net.isolate(5);
        net.restart(1);
        net.drop(m -> m.from() == 1 && m.to() == 4 && !(m instanceof Message.VoteRequest)
                // S3 may reject S1's first probe (that is how S1 finds index 7 missing), but any
                // term-4 entry S3 would accept is lost.
                || m.from() == 1 && m.to() == 3 && m instanceof Message.AppendRequest a
                        && a.entries().stream().anyMatch(e -> e.term() > 2)
                        && net.member(3).status().lastIndex() >= FIG8_INDEX);
        net.elect(1);
        assertThat(net.member(1).status().term()).isEqualTo(4);
        assertThat(net.member(3).storage.term(FIG8_INDEX)).isEqualTo(2);
        assertThat(net.member(3).status().lastIndex()).isEqualTo(FIG8_INDEX);
        return net;
    }

    @Test
    void section5_4_2_figure8_anOldTermEntryOnAMajorityIsNotCommittedByCounting() {
        TestNetwork net = figure8(Set.of());
        // Index 7 is on S1, S2 and S3, but it is of term 2, and the leader's term is 4.
        assertThat(net.member(1).status().commitIndex()).isEqualTo(6);

        // (d) S1 crashes again (and S2 with it); S5 can still win term 5 with S3 and S4 and
        // overwrites index 7 with its own entry of term 3. That is safe only because no one committed it.
        net.heal();
        net.isolate(1);
        net.isolate(2);
        net.restart(5);
        net.elect(5);
        net.tickAll(3);
        assertThat(net.member(5).status().commitIndex()).isGreaterThanOrEqualTo(FIG8_INDEX);
        assertThat(net.member(5).applied.get((int) FIG8_INDEX - 1).term()).isEqualTo(3);
        assertThat(net.member(3).applied.get((int) FIG8_INDEX - 1).term()).isEqualTo(3);
        assertThat(net.member(1).applied).noneMatch(e -> e.index() == FIG8_INDEX);
    }

    @Test
    void section5_4_2_figure8_onceTheLeadersOwnTermEntryIsOnAMajorityBothCommit() {
        TestNetwork net = figure8(Set.of());
        // (e) S1's term-4 entry reaches S3 too: committing it commits index 7 indirectly,
        // and S5 can no longer be elected (S2, S3 and S1 hold a term-4 entry).
        net.heal();
        net.isolate(5);
        net.tickAll(2);
        assertThat(net.member(1).status().commitIndex()).isEqualTo(8);
        assertThat(net.member(1).applied.get((int) FIG8_INDEX - 1).term()).isEqualTo(2);

        net.heal();
        net.isolate(1);
        net.restart(5);
        long s5TermBefore = net.member(5).status().term();
        net.tick(5, 60);
        net.deliverAll();
        assertThat(net.member(5).status().role()).isNotEqualTo(SoftState.Role.LEADER);
        assertThat(net.member(5).status().term()).isGreaterThan(s5TermBefore);
    }

    @Test
    void section5_4_2_figure8_countingOldTermReplicasLosesACommittedEntry() {
        TestNetwork net = figure8(Set.of(TestOnlyBug.COMMIT_OLD_TERM_BY_COUNTING));
        // The broken leader commits (and applies) index 7 of term 2 by counting replicas ...
        assertThat(net.member(1).status().commitIndex()).isEqualTo(FIG8_INDEX);
        assertThat(net.member(1).applied.get((int) FIG8_INDEX - 1).term()).isEqualTo(2);
        // ... and then S5 legitimately overwrites it: two nodes apply different entries at index 7.
        net.heal();
        net.isolate(1);
        net.isolate(2);
        net.restart(5);
        net.elect(5);
        net.tickAll(3);
        assertThat(net.member(5).applied.get((int) FIG8_INDEX - 1).term()).isEqualTo(3);
        assertThat(net.member(5).applied.get((int) FIG8_INDEX - 1))
                .isNotEqualTo(net.member(1).applied.get((int) FIG8_INDEX - 1));
    }
}
