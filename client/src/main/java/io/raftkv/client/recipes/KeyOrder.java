package io.raftkv.client.recipes;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.ByteSequence;
import io.raftkv.client.GetOptions;
import io.raftkv.client.KeyValue;
import io.raftkv.client.OpResult.GetResult;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.client.WatchBatch;
import io.raftkv.client.WatchEvent;
import io.raftkv.client.WatchListener;
import io.raftkv.client.WatchOptions;
import io.raftkv.client.Watcher;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The queue discipline shared by Lock and Election: contenders are keys under one prefix,
 * ordered by create revision; the lowest is the owner; each waiter waits for the deletion of
 * every key created before its own (etcd's {@code waitDeletes}), one predecessor at a time.
 */
final class KeyOrder {
  private final RaftKvClient client;
  private final ByteSequence prefix;

  KeyOrder(RaftKvClient client, ByteSequence prefix) {
    this.client = client;
    this.prefix = prefix;
  }

  /** The contender with the lowest create revision: the owner. */
  Optional<KeyValue> first() {
    return BlockingClient.await(firstAsync()).first();
  }

  /** The owner query, without waiting: the result's header tells at which revision it was read. */
  CompletableFuture<GetResult> firstAsync() {
    return client.kv().get(prefix,
        GetOptions.builder().prefix().sort(GetOptions.SortTarget.CREATE, GetOptions.SortOrder.ASCEND).limit(1).build());
  }

  /**
   * Waits until no key under the prefix has a create revision at or below {@code maxCreateRevision}.
   *
   * @param deadlineNanos {@code System.nanoTime()} deadline, or {@code Long.MAX_VALUE}
   * @param sessionLost completes when the waiter's session is lost, which aborts the wait
   */
  void waitDeletes(long maxCreateRevision, long deadlineNanos, CompletableFuture<RaftKvException> sessionLost)
      throws TimeoutException, InterruptedException {
    while (true) {
      GetResult r = BlockingClient.await(client.kv().get(prefix, GetOptions.builder().prefix()
          .createRevisionBetween(0, maxCreateRevision)
          .sort(GetOptions.SortTarget.CREATE, GetOptions.SortOrder.DESCEND).limit(1).build()));
      if (r.kvs().isEmpty()) {
        return;
      }
      waitDelete(r.kvs().get(0).key(), r.header().revision(), deadlineNanos, sessionLost);
    }
  }

  private void waitDelete(ByteSequence key, long seenAtRevision, long deadlineNanos,
      CompletableFuture<RaftKvException> sessionLost) throws TimeoutException, InterruptedException {
    CompletableFuture<Void> deleted = new CompletableFuture<>();
    sessionLost.thenAccept(deleted::completeExceptionally);
    try (Watcher w = client.watch().watch(key, WatchOptions.DEFAULT.withStartRevision(seenAtRevision + 1),
        new WatchListener() {
          @Override
          public void onEvents(WatchBatch batch) {
            for (WatchEvent e : batch.events()) {
              if (e.type() == WatchEvent.Type.DELETE) {
                deleted.complete(null);
              }
            }
          }

          @Override
          public void onError(RaftKvException error) {
            deleted.completeExceptionally(error);
          }
        })) {
      long left = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
      deleted.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RaftKvException rk) {
        throw rk;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  static long deadline(Duration timeout) {
    long now = System.nanoTime();
    long d = now + timeout.toNanos();
    return d < now ? Long.MAX_VALUE : d;
  }
}
