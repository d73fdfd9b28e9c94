package io.raftkv.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Watches: a listener per watch, or a {@link Flow.Publisher} of batches. Each watch resumes by
 * itself after a connection loss (see {@link ResumableWatch}); streams carry the metadata
 * {@code hasleader: true} like etcd's Go client, so a member without a leader refuses them and
 * the watch moves to one that has a leader.
 */
public final class WatchClient implements AutoCloseable {
  private final Failover failover;
  private final ScheduledExecutorService scheduler;
  private final Executor deliveryExecutor;
  private final Set<Watcher> open = ConcurrentHashMap.newKeySet();

  WatchClient(Failover failover, ScheduledExecutorService scheduler, Executor deliveryExecutor) {
    this.failover = failover;
    this.scheduler = scheduler;
    this.deliveryExecutor = deliveryExecutor;
  }

  public Watcher watch(ByteSequence key, WatchOptions options, WatchListener listener) {
    ResumableWatch[] self = new ResumableWatch[1];
    ResumableWatch w = new ResumableWatch(failover, scheduler, key, options, listener, () -> open.remove(self[0]));
    self[0] = w;
    open.add(w);
    w.start();
    return w;
  }

  public Watcher watch(String key, WatchOptions options, WatchListener listener) {
    return watch(ByteSequence.of(key), options, listener);
  }

  /**
   * A publisher of this watch's batches. Each subscription opens its own watch, honours the
   * subscriber's demand (batches wait in memory while it has none), ends with
   * {@code onError(RaftKvException)} as {@link WatchListener#onError} does, and closes the watch
   * on cancel.
   */
  public Flow.Publisher<WatchBatch> publisher(ByteSequence key, WatchOptions options) {
    return subscriber -> new WatchSubscription(subscriber, deliveryExecutor, l -> watch(key, options, l));
  }

  int openWatches() {
    return open.size();
  }

  @Override
  public void close() {
    for (Watcher w : Set.copyOf(open)) {
      w.close();
    }
  }
}
