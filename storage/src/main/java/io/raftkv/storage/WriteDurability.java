package io.raftkv.storage;

/**
 * How a RocksDB store's writes reach the disk, and what a crash may therefore take away.
 *
 * <p>A real power loss keeps only what was fsynced; a {@code kill -9} keeps everything the
 * process had handed to the operating system. The fault-injection harness needs the first on a
 * machine where it can only do the second, so the test-only values keep every write that is not
 * fsynced in process memory, where a kill loses it. Production nodes always use
 * {@link #PRODUCTION}.
 */
public enum WriteDurability {
    /** Writes go to RocksDB's WAL (fsynced where the store says so); a process crash loses nothing. */
    PRODUCTION(true, false),
    /**
     * Test-only ("crash with loss of un-fsynced data"): a write the store does not fsync skips the
     * WAL and lives in the memtable until the next flush, so a crash loses everything written since
     * the last fsync or flush. Flushes are atomic across column families, so what survives is a
     * consistent prefix, as after a power loss with the WAL tail gone.
     */
    LOSE_UNSYNCED_ON_CRASH(true, true),
    /**
     * Test-only seeded bug (the Raft log only): writes that must be fsynced are not, and, as in
     * {@link #LOSE_UNSYNCED_ON_CRASH}, are lost on a crash. Exists so the harness can prove that it
     * notices a node acknowledging what it has not made durable.
     */
    SKIP_FSYNC_AND_LOSE_ON_CRASH(false, true);

    private final boolean honoursFsync;
    private final boolean unsyncedLostOnCrash;

    WriteDurability(boolean honoursFsync, boolean unsyncedLostOnCrash) {
        this.honoursFsync = honoursFsync;
        this.unsyncedLostOnCrash = unsyncedLostOnCrash;
    }

    /** Whether a write the store asks to fsync is fsynced. */
    public boolean honoursFsync() {
        return honoursFsync;
    }

    /** Whether writes that are not fsynced bypass the WAL (and flushes must be atomic). */
    public boolean unsyncedLostOnCrash() {
        return unsyncedLostOnCrash;
    }

    /** Whether a write asked to be fsynced ({@code sync}) should be written without the WAL. */
    public boolean skipsWal(boolean sync) {
        boolean synced = sync && honoursFsync;
        return !synced && unsyncedLostOnCrash;
    }
}
