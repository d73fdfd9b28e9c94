package io.raftkv.raft.sim;

import java.util.Random;

/**
 * How hostile one run is, drawn from its seed so that the seeds together cover calm clusters,
 * lossy ones, slow disks and constant churn. Times are simulated milliseconds.
 */
record FaultProfile(
        int voters,
        int learners,
        int electionTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        long maxMessageBytes,
        int maxInflightMessages,
        long maxUncommittedBytes,
        double dropRate,
        double duplicateRate,
        int maxDelayMs,
        double slowMessageRate,
        int maxFsyncMs,
        int meanCrashIntervalMs,
        double newLeaderCrashRate,
        int meanPartitionIntervalMs,
        int meanMembershipIntervalMs,
        int meanTransferIntervalMs,
        int meanProposalIntervalMs,
        int meanReadIntervalMs,
        int compactionThreshold) {

    static final int TICK_MS = 10;
    /** One seed in this many draws the {@link #churn} profile. */
    static final int CHURN_ONE_IN = 4;

    static FaultProfile draw(Random rnd) {
        if (rnd.nextInt(CHURN_ONE_IN) == 0) {
            return churn(rnd);
        }
        int voters = rnd.nextInt(3) == 0 ? 5 : 3;
        int electionTicks = 8 + rnd.nextInt(5);
        // Faults come at multiples of the election timeout, so the cluster has calm spells to recover in.
        int electionMs = electionTicks * TICK_MS;
        return new FaultProfile(
                voters,
                rnd.nextInt(3) == 0 ? 1 : 0,
                electionTicks,
                1 + rnd.nextInt(3),
                rnd.nextInt(5) != 0,
                rnd.nextInt(5) != 0,
                pick(rnd, 1, 200, 4096, 1 << 20),
                (int) pick(rnd, 1, 2, 8, 256),
                pick(rnd, 0, 2048, 1 << 20),
                pick(rnd, 0.0, 0.01, 0.05, 0.15),
                pick(rnd, 0.0, 0.01, 0.05),
                (int) pick(rnd, 2, 8, 20),
                pick(rnd, 0.0, 0.02, 0.1),
                (int) pick(rnd, 1, 5, 20),
                (int) pick(rnd, 4, 10, 30) * electionMs,
                pick(rnd, 0.0, 0.0, 0.2, 0.5),
                (int) pick(rnd, 4, 10, 30) * electionMs,
                (int) pick(rnd, 200, 800, 5000),
                (int) pick(rnd, 300, 1500, 100_000),
                (int) pick(rnd, 2, 5, 15),
                (int) pick(rnd, 3, 10, 30),
                (int) pick(rnd, 3, 10, 50));
    }

    /**
     * Constant leader churn: five voters, one entry per message, new leaders killed within a round
     * trip and a steady stream of writes, so that leaders die with their entries on a minority and
     * logs diverge across several terms (the paper's figure 8).
     */
    static FaultProfile churn(Random rnd) {
        return new FaultProfile(5, 0, 8 + rnd.nextInt(3), 1, rnd.nextBoolean(), rnd.nextBoolean(), 1,
                1 + rnd.nextInt(2), 0, pick(rnd, 0.0, 0.05), 0.0, (int) pick(rnd, 4, 10), 0.0,
                (int) pick(rnd, 2, 8), 150, 0.8, 400, 100_000, 100_000, 2, 20, 50);
    }

    long electionTimeoutMs() {
        return (long) electionTicks * TICK_MS;
    }

    private static long pick(Random rnd, long... choices) {
        return choices[rnd.nextInt(choices.length)];
    }

    private static double pick(Random rnd, double... choices) {
        return choices[rnd.nextInt(choices.length)];
    }
}
