package io.raftkv.storage.mvcc;

import io.raftkv.proto.mvcc.Event;
import java.util.List;

/** A page of the store's history for a watcher that starts in the past or fell behind. */
public sealed interface WatchHistory {
    /**
     * Events in revision order from the requested revision; all events of a revision are in
     * the same page. {@code nextRevision} is where the next page starts; the watcher is caught
     * up when it exceeds {@code revision}, the store revision the page was read at.
     */
    record Page(List<Event> events, long nextRevision, long revision) implements WatchHistory {
        public Page {
            events = List.copyOf(events);
        }
    }

    /** The requested revision was compacted: the watch must be cancelled with this revision. */
    record Compacted(long compactRevision) implements WatchHistory {}
}
