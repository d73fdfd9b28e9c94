package io.raftkv.client.recipes;

import io.raftkv.client.ByteSequence;

/**
 * A held lock: its key ({@code prefix/leaseIdHex}), the lease it is bound to, and its fencing
 * revision, the create revision of the key: strictly increasing across successive holders, so
 * a resource guarded by the lock can refuse a stale holder's late writes (e.g. with
 * {@code Cmp.createRevision(lockKey).eq(fencingRevision)} in the same transaction).
 */
public record LockKey(ByteSequence key, long leaseId, long fencingRevision) {}
