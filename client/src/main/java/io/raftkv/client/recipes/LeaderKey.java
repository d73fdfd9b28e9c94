package io.raftkv.client.recipes;

import io.raftkv.client.ByteSequence;

/**
 * This candidate's hold on leadership: its key under the election prefix, its lease, and the
 * key's create revision, which orders candidates and fences a deposed leader's late writes.
 */
public record LeaderKey(ByteSequence name, ByteSequence key, long revision, long leaseId) {}
