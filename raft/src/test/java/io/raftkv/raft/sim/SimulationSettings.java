package io.raftkv.raft.sim;

import io.raftkv.raft.core.TestOnlyBug;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one simulation run needs besides its seed's randomness.
 *
 * @param seed                the seed: with the same settings, the same run every time
 * @param steps               events run under faults before the network heals and liveness is checked
 * @param bugs                deliberately broken core behaviours to switch on (the "show it can fail" suite)
 * @param checkAckDurability  check, as each vote or append acknowledgement is sent, that what it
 *                            promises is already fsynced; off to see what the bug does to the cluster
 */
public record SimulationSettings(long seed, int steps, Set<TestOnlyBug> bugs, boolean checkAckDurability) {

    public SimulationSettings {
        bugs = bugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(bugs));
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
    }

    public static SimulationSettings of(long seed, int steps) {
        return new SimulationSettings(seed, steps, Set.of(), true);
    }

    /** One line that replays exactly this run from the repository root. */
    public String replayCommand() {
        StringBuilder sb = new StringBuilder("mvn -B -pl raft test -Dtest=SimulationTest -Dsim.seed=")
                .append(seed).append(" -Dsim.steps=").append(steps);
        if (!bugs.isEmpty()) {
            sb.append(" -Dsim.bugs=").append(bugs.stream().map(Enum::name).sorted()
                    .collect(Collectors.joining(",")));
        }
        if (!checkAckDurability) {
            sb.append(" -Dsim.checkAckDurability=false");
        }
        return sb.append(" -Dsim.trace=true").toString();
    }
}
