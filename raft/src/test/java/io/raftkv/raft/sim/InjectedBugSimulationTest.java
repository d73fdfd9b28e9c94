package io.raftkv.raft.sim;

import io.raftkv.raft.core.TestOnlyBug;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shows that the simulator can fail: for each deliberately broken variant of the core, some seed
 * among the first {@link #MAX_SEEDS} breaks an invariant that the bug is known to break. A
 * simulator that passes a broken core proves nothing about a correct one.
 */
class InjectedBugSimulationTest {

    private static final int MAX_SEEDS = 300;
    private static final int STEPS = 3000;

    /** Which invariants each bug can break first: the checks that are meant to catch it. */
    private static final Map<TestOnlyBug, Set<Invariant>> EXPECTED = Map.of(
            TestOnlyBug.COMMIT_OLD_TERM_BY_COUNTING,
            EnumSet.of(Invariant.STATE_MACHINE_SAFETY, Invariant.LEADER_COMPLETENESS, Invariant.COMMITTED_ENTRY_LOST),
            TestOnlyBug.VOTE_WITHOUT_LOG_CHECK,
            EnumSet.of(Invariant.LEADER_COMPLETENESS, Invariant.STATE_MACHINE_SAFETY, Invariant.COMMITTED_ENTRY_LOST),
            TestOnlyBug.ACK_BEFORE_PERSIST,
            EnumSet.of(Invariant.ACK_BEFORE_DURABLE),
            TestOnlyBug.READ_INDEX_WITHOUT_QUORUM_CHECK,
            EnumSet.of(Invariant.READ_LINEARIZABILITY),
            TestOnlyBug.APPEND_WITHOUT_PREV_TERM_CHECK,
            EnumSet.of(Invariant.LOG_MATCHING, Invariant.STATE_MACHINE_SAFETY, Invariant.LEADER_COMPLETENESS),
            TestOnlyBug.APPLY_BEFORE_DURABLE,
            EnumSet.of(Invariant.APPLY_BEFORE_DURABLE));

    @ParameterizedTest
    @EnumSource(TestOnlyBug.class)
    void theSimulatorCatchesTheBug(TestOnlyBug bug) {
        SimulationOutcome caught = firstViolation(bug, true);
        assertThat(caught.invariant()).as("invariant broken with %s", bug).hasValueSatisfying(
                inv -> assertThat(EXPECTED.get(bug)).as(caught.report()).contains(inv));
    }

    /**
     * Without the direct check on acknowledgements, acknowledging before the fsync must still show
     * up as what it does to the cluster: a commit that a crash can undo (a lost committed entry, or
     * a node lacking it that could be elected), or a vote forgotten and cast twice.
     */
    @Test
    void ackBeforePersistLosesCommittedDataOnCrashes() {
        SimulationOutcome caught = firstViolation(TestOnlyBug.ACK_BEFORE_PERSIST, false);
        assertThat(caught.invariant()).hasValueSatisfying(inv -> assertThat(inv).as(caught.report()).isIn(
                Invariant.COMMITTED_ENTRY_LOST, Invariant.LEADER_COMPLETENESS, Invariant.STATE_MACHINE_SAFETY,
                Invariant.ELECTION_SAFETY, Invariant.READ_LINEARIZABILITY));
    }

    private static SimulationOutcome firstViolation(TestOnlyBug bug, boolean ackCheck) {
        SimulationOutcome last = null;
        for (long seed = 1; seed <= MAX_SEEDS; seed++) {
            SimulationSettings settings = new SimulationSettings(seed, STEPS, Set.of(bug), ackCheck);
            last = new Simulation(settings).run();
            if (!last.passed()) {
                System.out.println(bug + (ackCheck ? "" : " (no direct ack check)") + " caught after " + seed
                        + " seeds: " + last.report());
                return last;
            }
        }
        throw new AssertionError("the simulator did not catch " + bug + " in " + MAX_SEEDS + " seeds of " + STEPS
                + " steps (last: " + last.report() + ")");
    }
}
