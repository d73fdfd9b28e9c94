package io.raftkv.raft.sim;

import io.raftkv.raft.core.TestOnlyBug;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The deterministic simulation in CI: many seeds, each a whole cluster under faults, checked
 * after every step. System properties (all optional):
 * <ul>
 *   <li>{@code sim.seed}: run only this seed (what a failure's replay command sets);</li>
 *   <li>{@code sim.seeds}, {@code sim.firstSeed}: how many seeds, from which (default 1000 from 1);</li>
 *   <li>{@code sim.steps}: events per seed before healing (default 3000);</li>
 *   <li>{@code sim.bugs}: comma-separated {@link TestOnlyBug} names to switch on;</li>
 *   <li>{@code sim.checkAckDurability}: default true;</li>
 *   <li>{@code sim.trace}: print every event of the run (use with {@code sim.seed}).</li>
 * </ul>
 */
class SimulationTest {

    static final int DEFAULT_STEPS = 5000;
    private static final int MAX_FAILURES_REPORTED = 5;

    @Test
    void everySeedStaysSafeUnderFaultsAndLiveOnceTheyHeal() {
        int steps = Integer.getInteger("sim.steps", DEFAULT_STEPS);
        Set<TestOnlyBug> bugs = bugsFromProperty();
        boolean ackCheck = Boolean.parseBoolean(System.getProperty("sim.checkAckDurability", "true"));
        String single = System.getProperty("sim.seed", "");
        long first = single.isBlank() ? Long.getLong("sim.firstSeed", 1L) : Long.parseLong(single.trim());
        long count = single.isBlank() ? Long.getLong("sim.seeds", 1000L) : 1;

        long started = System.nanoTime();
        long cpuStarted = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        SimulationStats total = new SimulationStats();
        List<String> failures = new ArrayList<>();
        long failed = 0;
        for (long seed = first; seed < first + count; seed++) {
            SimulationSettings settings = new SimulationSettings(seed, steps, bugs, ackCheck);
            SimulationOutcome outcome = new Simulation(settings).run();
            total.add(outcome.stats());
            if (!outcome.passed()) {
                failed++;
                if (failures.size() < MAX_FAILURES_REPORTED) {
                    failures.add(outcome.report());
                }
                System.out.println(outcome.report());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted) / 1e9;
        String summary = String.format("simulated %d seeds x %d steps in %.1f s (%.1f s of CPU): %s", count, steps,
                seconds, cpuSeconds, total);
        System.out.println(summary);
        if (!failures.isEmpty()) {
            fail(failed + " of " + count + " seeds broke an invariant; the first ones:\n"
                    + String.join("\n", failures) + "\n" + summary);
        }
        // The faults and the workload ran: a run that only idles would prove nothing.
        assertThat(total.acknowledged).as("acknowledged writes").isPositive();
        assertThat(total.readsServed).as("served reads").isPositive();
    }

    @Test
    void aSeedReplaysExactly() {
        SimulationSettings settings = SimulationSettings.of(42, 2000);
        SimulationOutcome a = new Simulation(settings).run();
        SimulationOutcome b = new Simulation(settings).run();
        assertThat(b.report()).isEqualTo(a.report());
        assertThat(b.timeMs()).isEqualTo(a.timeMs());
        assertThat(b.stats().toString()).isEqualTo(a.stats().toString());
    }

    static Set<TestOnlyBug> bugsFromProperty() {
        String names = System.getProperty("sim.bugs", "").trim();
        if (names.isEmpty()) {
            return Set.of();
        }
        Set<TestOnlyBug> bugs = EnumSet.noneOf(TestOnlyBug.class);
        for (String name : names.split(",")) {
            bugs.add(TestOnlyBug.valueOf(name.trim()));
        }
        return bugs;
    }
}
