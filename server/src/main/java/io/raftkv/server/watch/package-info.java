/**
 * etcd's Watch API over the MVCC store's applied events.
 *
 * <p>{@link io.raftkv.server.watch.WatchHub} holds every watcher of the node. A watcher is
 * <em>synced</em> when it has been given every event up to the last published revision: the
 * apply thread's {@code publish} appends each batch's matching events to its stream's queue
 * directly. A watcher is <em>unsynced</em> when it started in the past or when its bounded
 * buffer was full at publish time; a single catch-up thread then reads it forward from the
 * store's history, a page at a time and only while its buffer has room, and moves it back to
 * the synced set once it reaches the published revision. Each watcher's next revision is the
 * only cursor: events below it are dropped, so the hand-over between history and live events
 * has neither gaps nor duplicates. If compaction removed the revision it needs, the watcher is
 * canceled with {@code compact_revision} set, as etcd does.
 *
 * <p>No-stall guarantee: the apply thread only matches events and appends to bounded queues
 * under one in-memory lock; it never waits for a client, a disk read or gRPC. Each stream's
 * {@link io.raftkv.server.watch.ResponseOutbox} hands replies to gRPC only while the transport is
 * ready, so a client that stops reading costs at most its watchers' buffers and falls back to
 * history, while other watchers keep receiving.
 */
package io.raftkv.server.watch;
