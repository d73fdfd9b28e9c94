package io.raftkv.storage.mvcc;

/**
 * HashKV's answer: a CRC32C of every stored version at or below {@code revision} (equal on
 * every replica holding the same data), the compaction revision and the store revision.
 */
public record KvHash(int hash, long compactRevision, long revision) {}
