package io.raftkv.server.watch;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One watch on one stream. Its state and next revision change only under the hub's lock;
 * {@link #buffered} is also decremented by the stream's sender as responses leave.
 */
final class Watcher {
    enum State {
        /** Receives each applied batch straight from the apply thread. */
        SYNCED,
        /** Behind the store: the catch-up task feeds it from history until it reaches the head. */
        UNSYNCED,
        /** Removed; nothing more is queued for it. */
        CANCELED
    }

    final WatchStream stream;
    final long id;
    final WatchSpec spec;
    /** Event responses queued towards the client and not yet handed to gRPC. */
    final AtomicInteger buffered = new AtomicInteger();
    /** Set while an unsynced watcher waits for its buffer to drain before catching up further. */
    volatile boolean awaitingRoom;

    State state;
    /** The lowest revision this watcher has not been given yet: events below it are never queued again. */
    long nextRevision;
    /** Whether events were queued since the last progress tick (a tick then sends nothing, as in etcd). */
    boolean eventsSinceTick;

    Watcher(WatchStream stream, long id, WatchSpec spec, long nextRevision) {
        this.stream = stream;
        this.id = id;
        this.spec = spec;
        this.nextRevision = nextRevision;
    }

    @Override
    public String toString() {
        return "watcher " + id + " (" + state + ", next revision " + nextRevision + ")";
    }
}
