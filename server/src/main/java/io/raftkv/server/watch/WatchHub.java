package io.raftkv.server.watch;

import io.raftkv.proto.etcd.WatchCreateRequest;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.server.api.EtcdError;
import io.raftkv.storage.mvcc.MvccStore;
import io.raftkv.storage.mvcc.WatchHistory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every watcher of the node, and the path of applied events to them.
 *
 * <p>The apply thread calls {@link #publish} after each applied batch. Synced watchers get the
 * batch's matching events appended to their stream's queue at once; a watcher whose buffer is
 * full is not waited for: it becomes unsynced at the first revision it missed, and a catch-up
 * task (one thread) later reads it forward from {@link MvccStore#history} page by page while its
 * buffer has room, until it reaches the published revision and rejoins the synced set. A watcher
 * whose next revision was compacted away is canceled with the compact revision.
 *
 * <p>One lock guards the watcher sets, every watcher's next revision and the order of appends
 * to stream queues. It is held only for in-memory work (matching and appending, never I/O or a
 * gRPC call), so the apply thread never waits on a client, a disk read or another watcher.
 */
public final class WatchHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
    static final String EMPTY_RANGE = "mvcc: watcher range is empty";

    private final MvccStore store;
    private final WatchOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Watcher> synced = new LinkedHashSet<>();
    private final Set<Watcher> unsynced = new LinkedHashSet<>();
    private final ScheduledExecutorService catchUpExecutor;
    private final ExecutorService deliveryExecutor;
    /** The revision of the last published batch: synced watchers have been given every event up to it. */
    private long publishedRevision;
    /** How many times a synced watcher's full buffer sent it back to history. */
    private long fallbacks;
    private boolean catchUpScheduled;
    private boolean closed;

    /**
     * Creates the hub for a store whose applied state is current: construct it before the apply
     * loop publishes its first batch.
     */
    public WatchHub(MvccStore store, WatchOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
        this.publishedRevision = store.state().revision();
        this.catchUpExecutor = Executors.newSingleThreadScheduledExecutor(daemon("watch-catch-up"));
        this.deliveryExecutor = Executors.newFixedThreadPool(options.deliveryThreads(), daemon("watch-delivery"));
        long interval = options.progressNotifyInterval().toNanos();
        catchUpExecutor.scheduleAtFixedRate(this::progressTick, interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * Hands an applied batch to the watchers. Called by the apply thread after each
     * {@code applyBatch}, with the batch's events (revision order) and the store revision after
     * it; revisions never go backwards. Never blocks on a watcher or a client.
     */
    public void publish(List<Event> events, long revision) {
        lock.lock();
        try {
            if (revision < publishedRevision) {
                throw new IllegalArgumentException(
                        "published revision went backwards: " + revision + " after " + publishedRevision);
            }
            publishedRevision = revision;
            for (Iterator<Watcher> it = synced.iterator(); it.hasNext(); ) {
                Watcher watcher = it.next();
                List<Event> selected = events.isEmpty() ? List.of() : watcher.spec.select(events, watcher.nextRevision);
                if (!selected.isEmpty()) {
                    if (watcher.buffered.get() >= options.watcherBufferResponses()) {
                        // Too slow a reader: it resumes from history at the revision it missed.
                        it.remove();
                        fallbacks++;
                        watcher.state = Watcher.State.UNSYNCED;
                        unsynced.add(watcher);
                        awaitRoom(watcher);
                        continue;
                    }
                    enqueueEvents(watcher, selected, revision);
                }
                watcher.nextRevision = Math.max(watcher.nextRevision, revision + 1);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The store was replaced by a snapshot (a follower that fell too far behind): every synced
     * watcher catches up from the new store's history, or is canceled if it was compacted.
     */
    public void restored(long revision) {
        lock.lock();
        try {
            publishedRevision = revision;
            for (Watcher watcher : synced) {
                watcher.state = Watcher.State.UNSYNCED;
                unsynced.add(watcher);
            }
            synced.clear();
            scheduleCatchUp();
        } finally {
            lock.unlock();
        }
    }

    /** The revision of the last published batch. */
    public long revision() {
        lock.lock();
        try {
            return publishedRevision;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many watchers are synced and unsynced now, and how many times since start a slow
     * watcher fell back from synced to history (for metrics and tests).
     */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(synced.size(), unsynced.size(), fallbacks);
        } finally {
            lock.unlock();
        }
    }

    public record Stats(int synced, int unsynced, long fallbacks) {}

    /** Every watcher's state, for diagnosing a stuck watch. */
    String describe() {
        lock.lock();
        try {
            StringBuilder out = new StringBuilder("published revision " + publishedRevision
                    + ", catch-up scheduled " + catchUpScheduled + "\n");
            for (Set<Watcher> set : List.of(synced, unsynced)) {
                for (Watcher w : set) {
                    out.append("  ").append(w).append(" buffered ").append(w.buffered.get())
                            .append(" awaitingRoom ").append(w.awaitingRoom).append(" outbox ")
                            .append(w.stream.outbox).append('\n');
                }
            }
            return out.toString();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the catch-up and delivery threads; open streams stop receiving. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        catchUpExecutor.shutdownNow();
        deliveryExecutor.shutdownNow();
    }

    // ---------------------------------------------------------------- used by the streams

    WatchOptions options() {
        return options;
    }

    ExecutorService deliveryExecutor() {
        return deliveryExecutor;
    }

    void create(WatchStream stream, WatchCreateRequest request) {
        WatchSpec spec = WatchSpec.of(request);
        lock.lock();
        try {
            if (stream.closed) {
                return;
            }
            long revision = publishedRevision;
            if (spec.keys().isEmpty()) {
                stream.outbox.offer(new Outbound.Refused(EMPTY_RANGE, revision));
                return;
            }
            long id = request.getWatchId();
            if (id == 0) {
                while (stream.watchers.containsKey(stream.nextWatchId)) {
                    stream.nextWatchId++;
                }
                id = stream.nextWatchId++;
            } else if (stream.watchers.containsKey(id)) {
                stream.outbox.offer(new Outbound.Refused(DUPLICATE_ID, revision));
                return;
            }
            long start = request.getStartRevision() <= 0 ? revision + 1 : request.getStartRevision();
            Watcher watcher = new Watcher(stream, id, spec, start);
            stream.watchers.put(id, watcher);
            stream.outbox.offer(new Outbound.Created(id, revision));
            if (start > revision) {
                watcher.state = Watcher.State.SYNCED;
                synced.add(watcher);
            } else {
                watcher.state = Watcher.State.UNSYNCED;
                unsynced.add(watcher);
                scheduleCatchUp();
            }
        } finally {
            lock.unlock();
        }
    }

    /** etcd answers a cancel of an unknown watch_id with nothing. */
    void cancel(WatchStream stream, long watchId) {
        lock.lock();
        try {
            Watcher watcher = stream.watchers.get(watchId);
            if (watcher == null || stream.closed) {
                return;
            }
            cancelWatcher(watcher, 0, "");
        } finally {
            lock.unlock();
        }
    }

    void requestProgress(WatchStream stream) {
        lock.lock();
        try {
            if (!stream.closed) {
                stream.progressRequested = true;
                answerProgressIfSynced(stream);
            }
        } finally {
            lock.unlock();
        }
    }

    void closeStream(WatchStream stream) {
        lock.lock();
        try {
            stream.closed = true;
            for (Watcher watcher : stream.watchers.values()) {
                synced.remove(watcher);
                unsynced.remove(watcher);
                watcher.state = Watcher.State.CANCELED;
            }
            stream.watchers.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Called by a stream's sender after one of the watcher's event responses left its queue. */
    void responseSent(Watcher watcher) {
        if (!watcher.awaitingRoom || watcher.buffered.get() > lowWater()) {
            return;
        }
        lock.lock();
        try {
            if (watcher.awaitingRoom && watcher.state == Watcher.State.UNSYNCED) {
                watcher.awaitingRoom = false;
                scheduleCatchUp();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- internals (lock held unless said)

    private void enqueueEvents(Watcher watcher, List<Event> events, long revision) {
        watcher.buffered.incrementAndGet();
        watcher.eventsSinceTick = true;
        watcher.stream.outbox.offer(new Outbound.Events(watcher, events, revision));
    }

    private void cancelWatcher(Watcher watcher, long compactRevision, String reason) {
        synced.remove(watcher);
        unsynced.remove(watcher);
        watcher.state = Watcher.State.CANCELED;
        watcher.stream.watchers.remove(watcher.id);
        watcher.stream.outbox.offer(new Outbound.Canceled(watcher.id, publishedRevision, compactRevision, reason));
        answerProgressIfSynced(watcher.stream);
    }

    private void answerProgressIfSynced(WatchStream stream) {
        if (!stream.progressRequested) {
            return;
        }
        for (Watcher watcher : stream.watchers.values()) {
            if (watcher.state != Watcher.State.SYNCED) {
                return;
            }
        }
        // Everything up to publishedRevision is queued ahead of this reply for every watcher of the stream.
        stream.progressRequested = false;
        stream.outbox.offer(new Outbound.Progress(-1, publishedRevision));
    }

    private int lowWater() {
        return options.watcherBufferResponses() / 2;
    }

    /** Parks an unsynced watcher until its sender drains its buffer to the low-water mark. */
    private void awaitRoom(Watcher watcher) {
        watcher.awaitingRoom = true;
        // The sender may have drained it between our check and the flag: look again.
        if (watcher.buffered.get() <= lowWater()) {
            watcher.awaitingRoom = false;
            scheduleCatchUp();
        }
    }

    private void scheduleCatchUp() {
        if (catchUpScheduled || closed) {
            return;
        }
        catchUpScheduled = true;
        try {
            catchUpExecutor.execute(this::catchUpRound);
        } catch (RuntimeException e) {
            log.debug("watch catch-up not scheduled: the hub is closing", e);
        }
    }

    /** Runs on the catch-up thread: one history page for every unsynced watcher that has room. */
    private void catchUpRound() {
        List<Watcher> work;
        lock.lock();
        try {
            catchUpScheduled = false;
            work = new ArrayList<>(unsynced.size());
            for (Watcher watcher : unsynced) {
                if (!watcher.awaitingRoom) {
                    work.add(watcher);
                }
            }
        } finally {
            lock.unlock();
        }
        for (Watcher watcher : work) {
            catchUpOnePage(watcher);
        }
        lock.lock();
        try {
            for (Watcher watcher : unsynced) {
                if (!watcher.awaitingRoom) {
                    scheduleCatchUp();
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void catchUpOnePage(Watcher watcher) {
        long from;
        lock.lock();
        try {
            if (watcher.state != Watcher.State.UNSYNCED || watcher.awaitingRoom) {
                return;
            }
            if (watcher.buffered.get() >= options.watcherBufferResponses()) {
                awaitRoom(watcher);
                return;
            }
            from = watcher.nextRevision;
        } finally {
            lock.unlock();
        }
        WatchHistory history;
        try {
            // Read outside the lock: publishing goes on meanwhile, and the revision check below reconciles.
            history = store.history(from, watcher.spec.keys().key(), watcher.spec.keys().rangeEnd(),
                    watcher.spec.prevKv(), options.catchUpPageEvents());
        } catch (RuntimeException e) {
            log.warn("cannot read watch history from revision {} for {}; canceling it", from, watcher, e);
            lock.lock();
            try {
                if (watcher.state == Watcher.State.UNSYNCED && watcher.nextRevision == from) {
                    cancelWatcher(watcher, 0, "etcdserver: cannot read watch history: " + e.getMessage());
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        // Filtering is pure: keep it out of the lock the apply thread needs.
        List<Event> selected = history instanceof WatchHistory.Page p ? watcher.spec.select(p.events(), from) : List.of();
        lock.lock();
        try {
            if (watcher.state != Watcher.State.UNSYNCED || watcher.nextRevision != from) {
                return;
            }
            if (history instanceof WatchHistory.Compacted compacted) {
                cancelWatcher(watcher, compacted.compactRevision(), EtcdError.COMPACTED.message());
                return;
            }
            WatchHistory.Page page = (WatchHistory.Page) history;
            if (!selected.isEmpty()) {
                enqueueEvents(watcher, selected, page.revision());
            }
            watcher.nextRevision = Math.max(from, page.nextRevision());
            if (watcher.nextRevision > publishedRevision) {
                // Caught up: later publishes carry only revisions at or above nextRevision to it.
                unsynced.remove(watcher);
                watcher.state = Watcher.State.SYNCED;
                synced.add(watcher);
                answerProgressIfSynced(watcher.stream);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs on the catch-up thread: empty responses with the current revision to idle synced watchers that asked. */
    private void progressTick() {
        lock.lock();
        try {
            for (Watcher watcher : synced) {
                if (!watcher.spec.progressNotify()) {
                    continue;
                }
                if (!watcher.eventsSinceTick && watcher.buffered.get() < options.watcherBufferResponses()) {
                    watcher.stream.outbox.offer(new Outbound.Progress(watcher.id, publishedRevision));
                }
                watcher.eventsSinceTick = false;
            }
        } finally {
            lock.unlock();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger sequence = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + sequence.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
