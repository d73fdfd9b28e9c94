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
        int meanPartitionIntervalMs,
        int meanMembershipIntervalMs,
        int meanTransferIntervalMs,
        int meanProposalIntervalMs,
        int meanReadIntervalMs,
        int compactionThreshold) {

    static final int TICK_MS = 10;

    static FaultProfile draw(Random rnd) {
        int voters = rnd.nextInt(3) == 0 ? 5 : 3;
        return new FaultProfile(
                voters,
                rnd.nextInt(3) == 0 ? 1 : 0,
                8 + rnd.nextInt(5),
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
                (int) pick(rnd, 150, 400, 1500),
                (int) pick(rnd, 200, 600, 2000),
                (int) pick(rnd, 200, 800, 5000),
                (int) pick(rnd, 300, 1500, 100_000),
                (int) pick(rnd, 2, 5, 15),
                (int) pick(rnd, 3, 10, 30),
                (int) pick(rnd, 3, 10, 50));
    }

    static FaultProfile withRates(FaultProfile p, int crashMs, int partitionMs) {
        return new FaultProfile(p.voters, p.learners, p.electionTicks, p.heartbeatTicks, p.preVote, p.checkQuorum,
                p.maxMessageBytes, p.maxInflightMessages, p.maxUncommittedBytes, p.dropRate, p.duplicateRate,
                p.maxDelayMs, p.slowMessageRate, p.maxFsyncMs, crashMs, partitionMs, p.meanMembershipIntervalMs,
                p.meanTransferIntervalMs, p.meanProposalIntervalMs, p.meanReadIntervalMs, p.compactionThreshold);
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
