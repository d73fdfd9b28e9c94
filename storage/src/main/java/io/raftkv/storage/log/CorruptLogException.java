package io.raftkv.storage.log;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A record of the Raft log store failed its checksum or is structurally impossible (a hole in
 * the log, an unknown format). The record is never returned: the node must stop and an operator
 * must restore the replica (wipe it and let it catch up from a snapshot).
 */
public final class CorruptLogException extends RuntimeException {
    private final Path directory;
    private final String record;
    private final OptionalLong index;
    private final String location;

    CorruptLogException(Path directory, String record, OptionalLong index, String location, String detail) {
        super("corrupt Raft log " + record + " in " + directory + " (" + location + "): " + detail);
        this.directory = directory;
        this.record = record;
        this.index = index;
        this.location = location;
    }

    static CorruptLogException entry(Path directory, long index, String location, String detail) {
        return new CorruptLogException(directory, "entry at index " + index, OptionalLong.of(index), location, detail);
    }

    static CorruptLogException metadata(Path directory, String record, String location, String detail) {
        return new CorruptLogException(directory, record, OptionalLong.empty(), location, detail);
    }

    /** The RocksDB directory of the log store. */
    public Path directory() {
        return directory;
    }

    /** What was corrupt: "entry at index 42", "hard state", "snapshot metadata", ... */
    public String record() {
        return record;
    }

    /** The log index of the corrupt entry, when the corrupt record is an entry. */
    public OptionalLong index() {
        return index;
    }

    /** The SST file holding the record, or where else it lives (memtable, rebuilt from the WAL). */
    public String location() {
        return location;
    }
}
