package io.raftkv.raft.sim;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.storage.MemoryRaftLogStorage;
import io.raftkv.raft.storage.RaftLogStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One node's disk, with the gap between "written" and "fsynced" made explicit. Writes go to the
 * {@link #live()} storage at once (what the running process sees, like the page cache) and are
 * queued; {@link #fsync()} makes every queued write durable; {@link #crash()} throws the queue
 * away and rebuilds the live storage from the durable copy, as a power loss would.
 */
final class SimulatedDisk {

    private MemoryRaftLogStorage live;
    private final MemoryRaftLogStorage durable;
    private final List<Consumer<RaftLogStorage>> unsynced = new ArrayList<>();

    SimulatedDisk(List<Entry> bootstrapEntries, HardState bootstrapHardState) {
        this.live = new MemoryRaftLogStorage();
        this.durable = new MemoryRaftLogStorage();
        if (!bootstrapEntries.isEmpty()) {
            live.append(bootstrapEntries);
            durable.append(bootstrapEntries);
        }
        if (!bootstrapHardState.isEmpty()) {
            live.setHardState(bootstrapHardState);
            durable.setHardState(bootstrapHardState);
        }
    }

    /** The storage the running node reads: everything written, synced or not. */
    RaftLogStorage live() {
        return live;
    }

    /** What survives a crash. Read-only for the simulator's checks. */
    RaftLogStorage durable() {
        return durable;
    }

    boolean hasUnsynced() {
        return !unsynced.isEmpty();
    }

    void append(List<Entry> entries) {
        write(s -> s.append(entries));
    }

    void setHardState(HardState hardState) {
        write(s -> s.setHardState(hardState));
    }

    void applySnapshot(Snapshot snapshot) {
        write(s -> s.applySnapshot(snapshot));
    }

    void compact(Snapshot snapshot) {
        write(s -> s.compact(snapshot));
    }

    private void write(Consumer<RaftLogStorage> op) {
        op.accept(live);
        unsynced.add(op);
    }

    /** Every write so far is now durable. */
    void fsync() {
        for (Consumer<RaftLogStorage> op : unsynced) {
            op.accept(durable);
        }
        unsynced.clear();
    }

    /** Power loss: unsynced writes vanish; the process restarts over a copy of the durable state. */
    void crash() {
        unsynced.clear();
        live = durable.copy();
    }
}
