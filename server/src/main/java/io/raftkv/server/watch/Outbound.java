package io.raftkv.server.watch;

import io.raftkv.proto.mvcc.Event;
import java.util.List;

/**
 * A reply queued on a stream, in the order the client must see it. Turned into a
 * {@code WatchResponse} (with the node's header) only when it is sent.
 */
sealed interface Outbound {
    /** A reply to a client request (created, cancel, progress): bounded by reading fewer requests. */
    default boolean isControl() {
        return true;
    }

    record Created(long watchId, long revision) implements Outbound {}

    /** A create etcd refuses: created and canceled at once, watch_id -1. */
    record Refused(String reason, long revision) implements Outbound {}

    /** Events of one or more whole revisions for one watcher; counted in its buffer. */
    record Events(Watcher watcher, List<Event> events, long revision) implements Outbound {
        // The hub hands over lists nobody else holds; copying them under its lock would only cost the apply thread.

        @Override
        public boolean isControl() {
            return false;
        }
    }

    /** An empty response carrying a revision: watch_id -1 answers a progress request, a watcher's id is a progress notification. */
    record Progress(long watchId, long revision) implements Outbound {}

    /** compactRevision is 0 unless compaction canceled the watcher; reason is empty for a client cancel. */
    record Canceled(long watchId, long revision, long compactRevision, String reason) implements Outbound {}

    /** The client half-closed: complete the stream after everything queued before. */
    record Finish() implements Outbound {}
}
