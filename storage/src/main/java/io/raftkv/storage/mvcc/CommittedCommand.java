package io.raftkv.storage.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import java.util.Objects;

/** One committed Raft entry, as the state machine needs to see it. */
public sealed interface CommittedCommand {
    long index();

    long term();

    /** A client or leader request (NORMAL entry with data). */
    record Request(long index, long term, InternalRequest request) implements CommittedCommand {
        public Request {
            Objects.requireNonNull(request, "request");
        }
    }

    /** The leader's empty barrier entry: it only advances the applied index. */
    record Noop(long index, long term) implements CommittedCommand {}

    /** A membership change the driver already handed to the core; {@code confState} is the result. */
    record MembershipChange(long index, long term, ConfState confState) implements CommittedCommand {
        public MembershipChange {
            Objects.requireNonNull(confState, "confState");
        }
    }

    /**
     * Decodes a NORMAL entry. Data that does not parse is applied as a request that fails
     * (every replica decodes the same bytes the same way), never as a crash.
     */
    static CommittedCommand ofNormalEntry(Entry entry) {
        if (entry.type() != Entry.Type.NORMAL) {
            throw new IllegalArgumentException("not a NORMAL entry: " + entry);
        }
        if (entry.data().length == 0) {
            return new Noop(entry.index(), entry.term());
        }
        try {
            return new Request(entry.index(), entry.term(), InternalRequest.parseFrom(entry.data()));
        } catch (InvalidProtocolBufferException e) {
            return new Request(entry.index(), entry.term(), InternalRequest.getDefaultInstance());
        }
    }
}
