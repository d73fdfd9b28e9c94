package io.raftkv.server.raft;

import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.storage.InitialState;
import io.raftkv.raft.storage.RaftLogStorage;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The Raft log as the driver writes it, reporting how long each durable write took (etcd's
 * WAL fsync latency: entries and hard state of one Ready, made durable together). Reads and
 * every other call go straight through.
 */
public final class TimedLogStorage implements RaftLogStorage {
    private final RaftLogStorage log;
    private final LongConsumer durableWriteNanos;

    public TimedLogStorage(RaftLogStorage log, LongConsumer durableWriteNanos) {
        this.log = log;
        this.durableWriteNanos = durableWriteNanos;
    }

    @Override
    public void save(HardState hardState, List<Entry> entries, boolean sync) {
        if (!sync) {
            log.save(hardState, entries, false);
            return;
        }
        long start = System.nanoTime();
        log.save(hardState, entries, true);
        durableWriteNanos.accept(System.nanoTime() - start);
    }

    @Override
    public void append(List<Entry> entries) {
        long start = System.nanoTime();
        log.append(entries);
        durableWriteNanos.accept(System.nanoTime() - start);
    }

    @Override
    public InitialState initialState() {
        return log.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return log.entries(lo, hi, maxBytes);
    }

    @Override
    public long term(long index) {
        return log.term(index);
    }

    @Override
    public long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public Snapshot snapshot() {
        return log.snapshot();
    }

    @Override
    public void setHardState(HardState hardState) {
        log.setHardState(hardState);
    }

    @Override
    public void applySnapshot(Snapshot snapshot) {
        log.applySnapshot(snapshot);
    }

    @Override
    public void compact(Snapshot snapshot) {
        log.compact(snapshot);
    }
}
