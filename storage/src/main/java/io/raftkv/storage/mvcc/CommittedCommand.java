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
     * Decodes a NORMAL entry. Data that does not decode to a request this version knows is
     * refused, never applied as something else: a replica that guessed would diverge from those
     * that understood it.
     *
     * @throws UndecodableEntryException naming the entry's index and term
     */
    static CommittedCommand ofNormalEntry(Entry entry) {
        if (entry.type() != Entry.Type.NORMAL) {
            throw new IllegalArgumentException("not a NORMAL entry: " + entry);
        }
        if (entry.data().length == 0) {
            return new Noop(entry.index(), entry.term());
        }
        InternalRequest request;
        try {
            request = InternalRequest.parseFrom(entry.data());
        } catch (InvalidProtocolBufferException e) {
            throw new UndecodableEntryException(entry.index(), entry.term(), entry.data().length,
                    "does not decode as an InternalRequest (" + e.getMessage() + ")", e);
        }
        if (request.getRequestCase() == InternalRequest.RequestCase.REQUEST_NOT_SET) {
            // Every proposer sets a request; none set means a kind this version does not know.
            throw new UndecodableEntryException(entry.index(), entry.term(), entry.data().length,
                    "holds no request this version knows (unknown fields "
                            + request.getUnknownFields().asMap().keySet() + ")", null);
        }
        return new Request(entry.index(), entry.term(), request);
    }
}
