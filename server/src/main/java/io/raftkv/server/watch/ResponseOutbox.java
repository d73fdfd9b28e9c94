package io.raftkv.server.watch;

import io.grpc.stub.ServerCallStreamObserver;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.etcd.WatchResponse;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered queue of one stream's replies and the sender that hands them to gRPC only while
 * the transport is ready ({@link ServerCallStreamObserver#isReady()}), so nothing piles up inside
 * gRPC. The queue itself is bounded by its producers: event responses by each watcher's buffer,
 * control replies by {@link #afterRequestHandled()} pausing the reading of client requests.
 *
 * <p>Producers (the hub, under its lock) only append and schedule; one delivery task at a time
 * drains, on the shared delivery executor or gRPC's ready callback, never on the apply thread.
 */
final class ResponseOutbox {
    private static final Logger log = LoggerFactory.getLogger(ResponseOutbox.class);

    private final ServerCallStreamObserver<WatchResponse> observer;
    private final WatchContext context;
    private final Executor deliveryExecutor;
    private final WatchOptions options;
    private final BufferListener bufferListener;
    private final Queue<Outbound> queue = new ConcurrentLinkedQueue<>();
    /** Work-in-progress counter: the thread that raises it from 0 drains, others just leave a mark. */
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicInteger controlBacklog = new AtomicInteger();
    private final AtomicBoolean readingPaused = new AtomicBoolean();
    private volatile boolean closed;

    /** Told when an event response of a watcher left the queue (its buffer gained room). */
    interface BufferListener {
        void responseSent(Watcher watcher);
    }

    ResponseOutbox(ServerCallStreamObserver<WatchResponse> observer, WatchContext context, Executor deliveryExecutor,
                   WatchOptions options, BufferListener bufferListener) {
        this.observer = observer;
        this.context = context;
        this.deliveryExecutor = deliveryExecutor;
        this.options = options;
        this.bufferListener = bufferListener;
    }

    /** Appends a reply and makes sure a sender will look at it. Never blocks. */
    void offer(Outbound item) {
        if (closed) {
            return;
        }
        if (item.isControl()) {
            controlBacklog.incrementAndGet();
        }
        queue.add(item);
        scheduleDrain();
    }

    /** Called by producers and by gRPC's on-ready callback. */
    void scheduleDrain() {
        if (wip.getAndIncrement() == 0) {
            try {
                deliveryExecutor.execute(this::drain);
            } catch (RuntimeException e) {
                // The executor is shut down: the node is stopping and the stream goes with it.
                wip.set(0);
                close();
            }
        }
    }

    /**
     * Called after each client request was handled: asks gRPC for the next one unless too many
     * replies wait unsent, in which case reading resumes when they drain.
     */
    void afterRequestHandled() {
        if (controlBacklog.get() < options.controlBacklogLimit()) {
            requestOne();
            return;
        }
        readingPaused.set(true);
        // The sender may have drained between the check and the flag: look again.
        if (controlBacklog.get() < options.controlBacklogLimit() && readingPaused.compareAndSet(true, false)) {
            requestOne();
        }
    }

    /** Stops sending and drops what is queued (the call is over). */
    void close() {
        closed = true;
        queue.clear();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "outbox[queued " + queue.size() + ", wip " + wip.get() + ", ready " + observer.isReady()
                + ", control backlog " + controlBacklog.get() + ", closed " + closed + "]";
    }

    private void drain() {
        int missed = 1;
        do {
            while (!closed && observer.isReady()) {
                Outbound item = queue.poll();
                if (item == null) {
                    break;
                }
                send(item);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void send(Outbound item) {
        try {
            if (item instanceof Outbound.Created c) {
                observer.onNext(base(c.revision()).setWatchId(c.watchId()).setCreated(true).build());
            } else if (item instanceof Outbound.Refused r) {
                observer.onNext(base(r.revision()).setWatchId(-1).setCreated(true).setCanceled(true)
                        .setCancelReason(r.reason()).build());
            } else if (item instanceof Outbound.Progress p) {
                observer.onNext(base(p.revision()).setWatchId(p.watchId()).build());
            } else if (item instanceof Outbound.Canceled c) {
                observer.onNext(base(c.revision()).setWatchId(c.watchId()).setCanceled(true)
                        .setCompactRevision(c.compactRevision()).setCancelReason(c.reason()).build());
            } else if (item instanceof Outbound.Events e) {
                sendEvents(e);
            } else if (item instanceof Outbound.Finish) {
                closed = true;
                observer.onCompleted();
            }
        } catch (RuntimeException e) {
            // The call was cancelled or failed underneath us; the cancel handler cleans up the watchers.
            log.debug("watch stream closed while sending", e);
            close();
        } finally {
            if (item.isControl()) {
                controlSent();
            }
        }
    }

    private void sendEvents(Outbound.Events e) {
        try {
            WatchResponse response = base(e.revision()).setWatchId(e.watcher().id).addAllEvents(e.events()).build();
            if (e.watcher().spec.fragment()) {
                for (WatchResponse part : WatchResponseFragments.split(response, options.fragmentBytes())) {
                    observer.onNext(part);
                }
            } else {
                observer.onNext(response);
            }
        } finally {
            e.watcher().buffered.decrementAndGet();
            bufferListener.responseSent(e.watcher());
        }
    }

    private void controlSent() {
        if (controlBacklog.decrementAndGet() < options.controlBacklogLimit() && readingPaused.compareAndSet(true, false)) {
            requestOne();
        }
    }

    private void requestOne() {
        if (!closed) {
            try {
                observer.request(1);
            } catch (RuntimeException e) {
                log.debug("watch stream closed while asking for the next request", e);
            }
        }
    }

    private WatchResponse.Builder base(long revision) {
        ResponseHeader header = context.header().toBuilder().setRevision(revision).build();
        return WatchResponse.newBuilder().setHeader(header);
    }
}
