package io.raftkv.raft.sim;

import java.util.function.LongSupplier;

/** An optional event log for replaying one seed ({@code -Dsim.trace=true}); free when off. */
final class Trace {
    private final boolean on;
    private final LongSupplier clock;

    Trace(boolean on, LongSupplier clock) {
        this.on = on;
        this.clock = clock;
    }

    boolean on() {
        return on;
    }

    void log(String line) {
        if (on) {
            System.out.println("[t=" + clock.getAsLong() + "] " + line);
        }
    }
}
