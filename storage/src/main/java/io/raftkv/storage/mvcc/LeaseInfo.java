package io.raftkv.storage.mvcc;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A granted lease as the state machine knows it: the TTL it was granted with, the last
 * checkpointed remaining TTL (0: none; the leader then counts from the full TTL) and the keys
 * attached to it, in key order.
 */
public record LeaseInfo(long id, long grantedTtl, long remainingTtl, List<ByteString> keys) {
    public LeaseInfo {
        keys = List.copyOf(keys);
    }
}
