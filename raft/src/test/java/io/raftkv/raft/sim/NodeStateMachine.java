package io.raftkv.raft.sim;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;

import java.nio.ByteBuffer;

/**
 * A node's simulated state machine: its applied index, a running hash of every entry applied
 * (so two replicas agree iff their hashes agree) and the membership it applied. It is durable as
 * it applies, like the RocksDB state machine that writes its applied index in the same synced
 * batch as the data, so it survives crashes unchanged.
 */
final class NodeStateMachine {

    private long appliedIndex;
    private long appliedTerm;
    private long chainHash;
    private ConfState conf = ConfState.EMPTY;

    long appliedIndex() {
        return appliedIndex;
    }

    long chainHash() {
        return chainHash;
    }

    ConfState conf() {
        return conf;
    }

    /** Applies the next committed entry; {@code newConf} is the membership after it. */
    void apply(Entry entry, ConfState newConf) {
        if (entry.index() != appliedIndex + 1) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "entry " + entry.index()
                    + " handed out for applying after applied index " + appliedIndex + " (gap or replay)");
        }
        chainHash = Fingerprint.chain(chainHash, entry);
        appliedIndex = entry.index();
        appliedTerm = entry.term();
        conf = newConf;
    }

    /** The snapshot of the current state, taken for log compaction. */
    Snapshot snapshot() {
        byte[] data = ByteBuffer.allocate(16).putLong(appliedIndex).putLong(chainHash).array();
        return new Snapshot(new SnapshotMetadata(appliedIndex, appliedTerm, conf), data);
    }

    /** Replaces the state with a received snapshot. */
    void restore(Snapshot snapshot) {
        ByteBuffer buf = ByteBuffer.wrap(snapshot.data());
        long index = buf.getLong();
        long hash = buf.getLong();
        if (index != snapshot.index()) {
            throw new InvariantViolation(Invariant.STATE_MACHINE_SAFETY, "snapshot metadata index "
                    + snapshot.index() + " but its data is the state at " + index);
        }
        appliedIndex = index;
        appliedTerm = snapshot.term();
        chainHash = hash;
        conf = snapshot.metadata().confState();
    }

    static long snapshotChainHash(Snapshot snapshot) {
        return ByteBuffer.wrap(snapshot.data()).getLong(8);
    }
}
