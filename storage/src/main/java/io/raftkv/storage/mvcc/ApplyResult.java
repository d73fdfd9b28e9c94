package io.raftkv.storage.mvcc;

import com.google.protobuf.Message;
import java.util.Objects;

/** What applying one committed entry produced, for the client waiting on it (if any). */
public sealed interface ApplyResult {
    long index();

    /** The request succeeded; {@code response} is etcd's response proto with header.revision set. */
    record Applied(long index, long requestId, Message response) implements ApplyResult {
        public Applied {
            Objects.requireNonNull(response, "response");
        }
    }

    /** The request was refused; the entry is still applied (as a no-op) and counts as applied. */
    record Rejected(long index, long requestId, EtcdException error) implements ApplyResult {
        public Rejected {
            Objects.requireNonNull(error, "error");
        }
    }

    /** A no-op or membership entry: nothing to report to a client. */
    record Nothing(long index) implements ApplyResult {}

    /** The entry was at or below the applied index already (replay after restart). */
    record AlreadyApplied(long index) implements ApplyResult {}
}
