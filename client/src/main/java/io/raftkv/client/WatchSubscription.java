package io.raftkv.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Bridges a watch's listener to one {@link Flow.Subscriber}: signals queue up and a single
 * drain loop (never two at once) delivers them as demand allows, per the Reactive Streams rules.
 */
final class WatchSubscription implements Flow.Subscription, WatchListener {
  private final Flow.Subscriber<? super WatchBatch> subscriber;
  private final Executor executor;
  private final ConcurrentLinkedQueue<WatchBatch> batches = new ConcurrentLinkedQueue<>();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private final Watcher watcher;
  private volatile Throwable error;
  private volatile boolean cancelled;
  private boolean terminated;

  WatchSubscription(Flow.Subscriber<? super WatchBatch> subscriber, Executor executor,
      Function<WatchListener, Watcher> open) {
    this.subscriber = subscriber;
    this.executor = executor;
    subscriber.onSubscribe(this);
    this.watcher = open.apply(this);
    if (cancelled) {
      watcher.close();
    }
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      // Reactive Streams rule 3.9.
      error = new IllegalArgumentException("non-positive subscription request: " + n);
      batches.clear();
    } else {
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    }
    drain();
  }

  @Override
  public void cancel() {
    cancelled = true;
    if (watcher != null) {
      watcher.close();
    }
  }

  @Override
  public void onEvents(WatchBatch batch) {
    batches.add(batch);
    drain();
  }

  @Override
  public void onError(RaftKvException e) {
    error = e;
    drain();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    executor.execute(() -> {
      int missed = 1;
      do {
        while (!cancelled && !terminated) {
          if (demand.get() > 0 && !batches.isEmpty()) {
            demand.decrementAndGet();
            subscriber.onNext(batches.poll());
          } else if (batches.isEmpty() && error != null) {
            terminated = true;
            subscriber.onError(error);
          } else {
            break;
          }
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    });
  }
}
