package io.raftkv.bench.failover;

/** The faults of one round, in the order they are injected. */
enum Fault {
    KILL_LEADER("kill -9 leader"),
    KILL_FOLLOWER("kill -9 follower"),
    PAUSE_LEADER("SIGSTOP leader");

    final String label;

    Fault(String label) {
        this.label = label;
    }
}
