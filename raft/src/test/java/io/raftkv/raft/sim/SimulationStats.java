package io.raftkv.raft.sim;

/** What happened in one run, to show that the faults and the workload really ran. */
final class SimulationStats {
    long proposals;
    long proposalsRejected;
    long committed;
    long acknowledged;
    long lost;
    long reads;
    long readsRejected;
    long readsServed;
    long crashes;
    long leadersElected;
    long partitions;
    long confChanges;
    long transfers;

    void add(SimulationStats o) {
        proposals += o.proposals;
        proposalsRejected += o.proposalsRejected;
        committed += o.committed;
        acknowledged += o.acknowledged;
        lost += o.lost;
        reads += o.reads;
        readsRejected += o.readsRejected;
        readsServed += o.readsServed;
        crashes += o.crashes;
        leadersElected += o.leadersElected;
        partitions += o.partitions;
        confChanges += o.confChanges;
        transfers += o.transfers;
    }

    @Override
    public String toString() {
        return "proposals=" + proposals + " (refused " + proposalsRejected + ", committed " + committed
                + ", acknowledged " + acknowledged + ", lost to leader changes " + lost + "), reads=" + reads
                + " (refused " + readsRejected + ", served " + readsServed + "), leaders elected=" + leadersElected
                + ", crashes=" + crashes
                + ", partitions=" + partitions + ", membership changes=" + confChanges
                + ", leadership transfers=" + transfers;
    }
}
