package io.raftkv.raft.core;

/** Where a snapshot sits in the log, and the membership in force at that point. */
public record SnapshotMetadata(long index, long term, ConfState confState) {}
