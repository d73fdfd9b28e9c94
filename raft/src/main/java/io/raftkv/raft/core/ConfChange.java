package io.raftkv.raft.core;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One membership change, proposed through the log. {@code context} is opaque to the core
 * (the server puts the member's name and URLs there).
 */
public record ConfChange(Type type, long nodeId, byte[] context) {

    public enum Type {
        /** Adds a voter directly (bootstrap, or etcd's MemberAdd without --learner). */
        ADD_VOTER,
        ADD_LEARNER,
        PROMOTE_LEARNER,
        REMOVE_NODE
    }

    public ConfChange {
        context = context == null ? new byte[0] : context;
    }

    public byte[] encode() {
        ByteBuffer buf = ByteBuffer.allocate(1 + 8 + context.length);
        buf.put((byte) type.ordinal()).putLong(nodeId).put(context);
        return buf.array();
    }

    public static ConfChange decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        Type type = Type.values()[buf.get()];
        long nodeId = buf.getLong();
        byte[] context = Arrays.copyOfRange(data, 9, data.length);
        return new ConfChange(type, nodeId, context);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfChange c
                && type == c.type && nodeId == c.nodeId && Arrays.equals(context, c.context);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Long.hashCode(nodeId)) + Arrays.hashCode(context);
    }
}
