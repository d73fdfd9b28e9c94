package io.raftkv.bench.failover;

import java.time.Duration;

/** The knobs of a run, the same for every system compared. */
record RunSettings(
        int rounds,
        int clients,
        double opsPerSecondPerClient,
        Duration opTimeout,
        Duration restartAfter,
        Duration pause,
        Duration settle,
        Duration recoveryDeadline) {
}
