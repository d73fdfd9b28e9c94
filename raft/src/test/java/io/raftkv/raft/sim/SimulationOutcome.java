package io.raftkv.raft.sim;

import java.util.Optional;

/** The result of one run: passed, or the first invariant it broke, with how to replay it. */
record SimulationOutcome(SimulationSettings settings, FaultProfile profile, SimulationStats stats,
                         Optional<InvariantViolation> violation, long step, long timeMs, String lastEvent) {

    static SimulationOutcome passed(SimulationSettings settings, FaultProfile profile, SimulationStats stats,
                                    long timeMs) {
        return new SimulationOutcome(settings, profile, stats, Optional.empty(), settings.steps(), timeMs, "");
    }

    static SimulationOutcome violated(SimulationSettings settings, FaultProfile profile, SimulationStats stats,
                                      InvariantViolation v, long step, long timeMs, String lastEvent) {
        return new SimulationOutcome(settings, profile, stats, Optional.of(v), step, timeMs, lastEvent);
    }

    boolean passed() {
        return violation.isEmpty();
    }

    Optional<Invariant> invariant() {
        return violation.map(InvariantViolation::invariant);
    }

    /** The failure report: seed, invariant, where, and the one-line command that replays it. */
    String report() {
        if (passed()) {
            return "seed " + settings.seed() + " passed (" + stats + ")";
        }
        return "seed " + settings.seed() + " broke " + violation.get().getMessage() + "\n  at step " + step
                + " (t=" + timeMs + "ms, event '" + lastEvent + "')\n  profile " + profile
                + "\n  replay: " + settings.replayCommand();
    }
}
