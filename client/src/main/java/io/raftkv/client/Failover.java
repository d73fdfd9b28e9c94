package io.raftkv.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Runs a unary call with the client's failover policy: on UNAVAILABLE the call is repeated on
 * the next endpoint after an exponential, jittered backoff, within the call's deadline.
 * Reads and idempotent writes are repeated on every UNAVAILABLE; other writes only when the
 * failure proves the request never left the client (see {@link Idempotency}).
 */
final class Failover {
  private final ChannelPool pool;
  private final ScheduledExecutorService scheduler;
  private final ClientConfig config;

  Failover(ChannelPool pool, ScheduledExecutorService scheduler, ClientConfig config) {
    this.pool = pool;
    this.scheduler = scheduler;
    this.config = config;
  }

  ChannelPool pool() {
    return pool;
  }

  /** Calls {@code rpc} on whichever endpoint is current, failing over as the policy allows. */
  <T> CompletableFuture<T> call(Idempotency kind, BiFunction<ManagedChannel, Deadline, ListenableFuture<T>> rpc) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Deadline deadline = Deadline.after(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    attempt(kind, rpc, deadline, 0, pool.pick(), result);
    return result;
  }

  /** Calls {@code rpc} on one given endpoint only (endpoint status, defragment of a member...). */
  <T> CompletableFuture<T> callOn(String endpoint, BiFunction<ManagedChannel, Deadline, ListenableFuture<T>> rpc) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Deadline deadline = Deadline.after(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    try {
      Futures.addCallback(rpc.apply(pool.channel(endpoint), deadline), new FutureCallback<T>() {
        @Override
        public void onSuccess(T value) {
          result.complete(value);
        }

        @Override
        public void onFailure(Throwable t) {
          result.completeExceptionally(ErrorMapping.map(t, endpoint));
        }
      }, MoreExecutors.directExecutor());
    } catch (RuntimeException e) {
      result.completeExceptionally(ErrorMapping.map(e, endpoint));
    }
    return result;
  }

  private <T> void attempt(Idempotency kind, BiFunction<ManagedChannel, Deadline, ListenableFuture<T>> rpc,
      Deadline deadline, int attempt, String endpoint, CompletableFuture<T> result) {
    if (result.isDone()) {
      return;
    }
    ListenableFuture<T> f;
    try {
      f = rpc.apply(pool.channel(endpoint), deadline);
    } catch (RuntimeException e) {
      result.completeExceptionally(ErrorMapping.map(e, endpoint));
      return;
    }
    Futures.addCallback(f, new FutureCallback<T>() {
      @Override
      public void onSuccess(T value) {
        result.complete(value);
      }

      @Override
      public void onFailure(Throwable t) {
        if (!retryable(kind, t) || attempt >= config.maxRetries()) {
          result.completeExceptionally(ErrorMapping.map(t, endpoint));
          return;
        }
        pool.markFailed(endpoint);
        long pause = backoff(attempt).toNanos();
        if (deadline.timeRemaining(TimeUnit.NANOSECONDS) <= pause) {
          result.completeExceptionally(ErrorMapping.map(t, endpoint));
          return;
        }
        scheduler.schedule(() -> attempt(kind, rpc, deadline, attempt + 1, pool.pick(), result),
            pause, TimeUnit.NANOSECONDS);
      }
    }, MoreExecutors.directExecutor());
  }

  static boolean retryable(Idempotency kind, Throwable t) {
    Status status = Status.fromThrowable(ErrorMapping.unwrap(t));
    boolean unavailable = status.getCode() == Status.Code.UNAVAILABLE
        || status.getCode() == Status.Code.UNKNOWN && ErrorMapping.closedUnderTheCall(status.getCause());
    if (!unavailable) {
      return false;
    }
    return kind != Idempotency.MUTATION || ErrorMapping.neverSent(t);
  }

  /** Exponential backoff with full jitter in its upper half, capped by the configured maximum. */
  Duration backoff(int attempt) {
    long base = config.initialBackoff().toMillis() << Math.min(attempt, 16);
    long capped = Math.min(base, config.maxBackoff().toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(Math.max(1, jittered));
  }
}
