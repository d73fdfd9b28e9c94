package io.raftkv.raft.sim;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.storage.InitialState;
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
    private final RaftLogStorage writer = new Writer();

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

    /**
     * The storage the node's {@code ReadyProcessor} writes through: reads see the live state,
     * writes (synced or not) join the queue that {@link #fsync()} makes durable later, as the
     * simulated fsync completes on simulated time.
     */
    RaftLogStorage writer() {
        return writer;
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

    private final class Writer implements RaftLogStorage {
        @Override
        public InitialState initialState() {
            return live.initialState();
        }

        @Override
        public List<Entry> entries(long lo, long hi, long maxBytes) {
            return live.entries(lo, hi, maxBytes);
        }

        @Override
        public long term(long index) {
            return live.term(index);
        }

        @Override
        public long firstIndex() {
            return live.firstIndex();
        }

        @Override
        public long lastIndex() {
            return live.lastIndex();
        }

        @Override
        public Snapshot snapshot() {
            return live.snapshot();
        }

        @Override
        public void append(List<Entry> entries) {
            SimulatedDisk.this.append(entries);
        }

        @Override
        public void setHardState(HardState hardState) {
            SimulatedDisk.this.setHardState(hardState);
        }

        @Override
        public void save(HardState hardState, List<Entry> entries, boolean sync) {
            write(s -> s.save(hardState, entries, sync));
        }

        @Override
        public void applySnapshot(Snapshot snapshot) {
            SimulatedDisk.this.applySnapshot(snapshot);
        }

        @Override
        public void compact(Snapshot snapshot) {
            SimulatedDisk.this.compact(snapshot);
        }
    }
}
