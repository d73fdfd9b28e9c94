package io.raftkv.storage.mvcc;

import io.raftkv.storage.WriteDurability;

/**
 * Settings of the state machine.
 *
 * @param minLeaseTtlSeconds leases granted with a shorter TTL get this one (etcd: ceil(1.5 × election timeout))
 * @param syncWrites fsync the RocksDB WAL on every applied batch; off by default because the
 *                   Raft log holds every entry after the last snapshot (see the README)
 * @param durability {@link WriteDurability#PRODUCTION} except in the fault-injection harness
 */
public record MvccOptions(long minLeaseTtlSeconds, boolean syncWrites, WriteDurability durability) {
    public MvccOptions {
        if (minLeaseTtlSeconds < 1) {
            throw new IllegalArgumentException("minLeaseTtlSeconds must be >= 1: " + minLeaseTtlSeconds);
        }
        java.util.Objects.requireNonNull(durability, "durability");
    }

    public MvccOptions(long minLeaseTtlSeconds, boolean syncWrites) {
        this(minLeaseTtlSeconds, syncWrites, WriteDurability.PRODUCTION);
    }

    public static MvccOptions defaults() {
        return new MvccOptions(2, false);
    }
}
