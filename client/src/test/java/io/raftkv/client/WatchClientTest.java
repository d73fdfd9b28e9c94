package io.raftkv.client;

import static io.raftkv.client.ByteSequence.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkv.client.testing.ClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchClientTest {
  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(1);

  static RaftKvClient client;
  static BlockingClient kv;

  @BeforeAll
  static void connect() {
    client = CLUSTER.newClient();
    kv = client.blocking();
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  /** Collects what a watch delivers. */
  static final class Recorder implements WatchListener {
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<RaftKvException> error = new CompletableFuture<>();
    final AtomicLong progress = new AtomicLong(-1);

    @Override
    public void onEvents(WatchBatch batch) {
      events.addAll(batch.events());
    }

    @Override
    public void onError(RaftKvException e) {
      error.complete(e);
    }

    @Override
    public void onProgress(long revision) {
      progress.set(revision);
    }

    List<String> described() {
      return events.stream().map(e -> e.type() + " " + e.kv().key() + "=" + e.kv().value() + "@" + e.revision()).toList();
    }
  }

  @Test
  void prefixWatchDeliversPutsAndDeletesInRevisionOrder() {
    Recorder rec = new Recorder();
    try (Watcher w = client.watch().watch(of("wp/"), WatchOptions.DEFAULT.withPrefix(), rec)) {
      await().until(() -> w.nextRevision() > 0);
      long r1 = kv.put("wp/a", "1").header().revision();
      long r2 = kv.put("other", "x").header().revision();
      long r3 = kv.put("wp/b", "2").header().revision();
      long r4 = kv.delete("wp/a").header().revision();
      await().atMost(Duration.ofSeconds(10)).until(() -> rec.events.size() == 3);
      assertThat(rec.described()).containsExactly("PUT wp/a=1@" + r1, "PUT wp/b=2@" + r3, "DELETE wp/a=@" + r4);
      assertThat(r2).isBetween(r1, r3);
      assertThat(w.nextRevision()).isEqualTo(r4 + 1);
    }
  }

  @Test
  void pastRevisionReplaysHistoryWithPrevKv() {
    long r1 = kv.put("wh/k", "v1").header().revision();
    long r2 = kv.put("wh/k", "v2").header().revision();
    Recorder rec = new Recorder();
    try (Watcher w = client.watch().watch("wh/k", WatchOptions.DEFAULT.withStartRevision(r1).withPrevKv(), rec)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> rec.events.size() == 2);
      assertThat(rec.described()).containsExactly("PUT wh/k=v1@" + r1, "PUT wh/k=v2@" + r2);
      assertThat(rec.events.get(1).prevKv()).map(kv -> kv.value().toString()).contains("v1");
      assertThat(rec.events.get(0).prevKv()).isEmpty();
    }
  }

  @Test
  void filtersDropPutsOrDeletes() {
    Recorder noPut = new Recorder();
    Recorder noDelete = new Recorder();
    try (Watcher a = client.watch().watch(of("wf/"), WatchOptions.DEFAULT.withPrefix().withNoPut(), noPut);
        Watcher b = client.watch().watch(of("wf/"), WatchOptions.DEFAULT.withPrefix().withNoDelete(), noDelete)) {
      await().until(() -> a.nextRevision() > 0 && b.nextRevision() > 0);
      kv.put("wf/x", "1");
      long del = kv.delete("wf/x").header().revision();
      long last = kv.put("wf/y", "2").header().revision();
      await().atMost(Duration.ofSeconds(10)).until(() -> noPut.events.size() == 1 && noDelete.events.size() == 2);
      assertThat(noPut.described()).containsExactly("DELETE wf/x=@" + del);
      assertThat(noDelete.events).extracting(e -> e.type()).containsOnly(WatchEvent.Type.PUT);
      assertThat(noDelete.events.get(1).revision()).isEqualTo(last);
    }
  }

  @Test
  void progressRequestReportsTheRevision() {
    long rev = kv.put("wprog/k", "v").header().revision();
    Recorder requested = new Recorder();
    try (Watcher w = client.watch().watch("wprog/none", WatchOptions.DEFAULT, requested)) {
      await().until(() -> w.nextRevision() > 0);
      w.requestProgress();
      await().atMost(Duration.ofSeconds(10)).until(() -> requested.progress.get() >= rev);
      assertThat(w.nextRevision()).isGreaterThan(rev);
    }
  }

  /**
   * Needs a cluster that sends progress notifications often: the etcd test cluster is started with
   * a 1 s interval. RaftKV's interval is fixed at etcd's default (10 min), so client/pom.xml leaves
   * this test (by its tag) out of the RaftKV run.
   */
  @Test
  void progressNotifyReportsTheRevision() {
    long rev = kv.put("wprog/k", "v").header().revision();
    Recorder notified = new Recorder();
    try (Watcher n = client.watch().watch("wprog/none2", WatchOptions.DEFAULT.withProgressNotify(), notified)) {
      await().atMost(Duration.ofSeconds(15)).until(() -> notified.progress.get() >= rev);
      assertThat(n.nextRevision()).isGreaterThan(rev);
    }
  }

  @Test
  void watchFromACompactedRevisionReportsTheCompaction() {
    long r1 = kv.put("wc/k", "1").header().revision();
    long r2 = kv.put("wc/k", "2").header().revision();
    kv.compact(r2);
    Recorder rec = new Recorder();
    Watcher w = client.watch().watch("wc/k", WatchOptions.DEFAULT.withStartRevision(r1), rec);
    RaftKvException e = rec.error.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(e).isInstanceOfSatisfying(RaftKvException.CompactedException.class,
        c -> assertThat(c.compactRevision()).isEqualTo(r2));
    assertThat(rec.events).isEmpty();
    w.close();
    assertThat(client.watch().openWatches()).isZero();
  }

  @Test
  void publisherHonoursDemand() {
    long from = kv.put("wpub/0", "start").header().revision() + 1;
    List<WatchBatch> got = new CopyOnWriteArrayList<>();
    Flow.Subscription[] sub = new Flow.Subscription[1];
    client.watch().publisher(of("wpub/"), WatchOptions.DEFAULT.withPrefix().withStartRevision(from))
        .subscribe(new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            sub[0] = s;
            s.request(1);
          }

          @Override
          public void onNext(WatchBatch item) {
            got.add(item);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        });
    kv.put("wpub/1", "a");
    kv.put("wpub/2", "b");
    kv.put("wpub/3", "c");
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    // No demand: nothing more arrives although two more batches are waiting.
    kv.put("wpub/ping", "x");
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> got.size() == 1);
    sub[0].request(Long.MAX_VALUE);
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 4);
    assertThat(got).flatExtracting(WatchBatch::events).extracting(e -> e.kv().key().toString())
        .containsExactly("wpub/1", "wpub/2", "wpub/3", "wpub/ping");
    sub[0].cancel();
    await().atMost(Duration.ofSeconds(5)).until(() -> client.watch().openWatches() == 0);
  }
}
