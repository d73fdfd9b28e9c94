package io.raftkv.raft.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A state machine snapshot. {@code data} is opaque to the core; the server may put a
 * reference to a checkpoint there and stream the files out of band.
 */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {
    public Snapshot {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(data, "data");
    }

    public long index() {
        return metadata.index();
    }

    public long term() {
        return metadata.term();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && metadata.equals(s.metadata) && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
        return 31 * metadata.hashCode() + Arrays.hashCode(data);
    }
}
