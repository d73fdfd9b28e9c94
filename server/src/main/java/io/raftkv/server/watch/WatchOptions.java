package io.raftkv.server.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the watch hub and service.
 *
 * @param watcherBufferResponses responses a synced watcher may have queued towards its client
 *                               before it falls back to catching up from history (etcd: 128)
 * @param catchUpPageEvents      events read from history per catch-up step (a revision is never split)
 * @param progressNotifyInterval how often watchers created with progress_notify get an empty
 *                               response carrying the current revision (etcd: 10 minutes)
 * @param fragmentBytes          a response larger than this is split when the watcher asked for
 *                               fragment=true (etcd uses the server's max request bytes)
 * @param deliveryThreads        threads that hand queued responses to gRPC, shared by all streams
 * @param controlBacklogLimit    unsent created/cancel/progress replies per stream above which the
 *                               stream stops reading client requests until they drain
 */
public record WatchOptions(int watcherBufferResponses, int catchUpPageEvents, Duration progressNotifyInterval,
                           int fragmentBytes, int deliveryThreads, int controlBacklogLimit) {
    public static final int DEFAULT_FRAGMENT_BYTES = 1_572_864;

    public WatchOptions {
        Objects.requireNonNull(progressNotifyInterval, "progressNotifyInterval");
        requirePositive("watcherBufferResponses", watcherBufferResponses);
        requirePositive("catchUpPageEvents", catchUpPageEvents);
        requirePositive("fragmentBytes", fragmentBytes);
        requirePositive("deliveryThreads", deliveryThreads);
        requirePositive("controlBacklogLimit", controlBacklogLimit);
        if (progressNotifyInterval.isNegative() || progressNotifyInterval.isZero()) {
            throw new IllegalArgumentException("progressNotifyInterval must be positive: " + progressNotifyInterval);
        }
    }

    public static WatchOptions defaults() {
        return new WatchOptions(128, 1000, Duration.ofMinutes(10), DEFAULT_FRAGMENT_BYTES, 2, 64);
    }

    public WatchOptions withWatcherBufferResponses(int value) {
        return new WatchOptions(value, catchUpPageEvents, progressNotifyInterval, fragmentBytes, deliveryThreads,
                controlBacklogLimit);
    }

    public WatchOptions withCatchUpPageEvents(int value) {
        return new WatchOptions(watcherBufferResponses, value, progressNotifyInterval, fragmentBytes, deliveryThreads,
                controlBacklogLimit);
    }

    public WatchOptions withProgressNotifyInterval(Duration value) {
        return new WatchOptions(watcherBufferResponses, catchUpPageEvents, value, fragmentBytes, deliveryThreads,
                controlBacklogLimit);
    }

    /** Pass the node's --max-request-bytes here, as etcd does. */
    public WatchOptions withFragmentBytes(int value) {
        return new WatchOptions(watcherBufferResponses, catchUpPageEvents, progressNotifyInterval, value,
                deliveryThreads, controlBacklogLimit);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + value);
        }
    }
}
