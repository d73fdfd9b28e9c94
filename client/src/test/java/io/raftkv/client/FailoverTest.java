package io.raftkv.client;

import static io.raftkv.client.ByteSequence.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkv.client.testing.ClusterExtension;
import io.raftkv.client.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK against a 3-member cluster while members die. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverTest {
  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(3);

  @Test
  void writesContinueWhenTheConnectedMemberIsKilled() throws Exception {
    TestCluster cluster = CLUSTER.cluster();
    try (RaftKvClient client = CLUSTER.newClient()) {
      Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
      List<RaftKvException> unknownOutcome = new CopyOnWriteArrayList<>();
      AtomicInteger next = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        while (!stop.get()) {
          int i = next.getAndIncrement();
          try {
            BlockingClient.await(client.kv().put("fo/" + i, Integer.toString(i)));
            acknowledged.add(i);
          } catch (RaftKvException.UnavailableException | RaftKvException.RequestTimeoutException
              | RaftKvException.LeaderChangedException | RaftKvException.NoLeaderException e) {
            // In flight when the member died (or the leadership moved): the outcome is unknown,
            // so the SDK did not repeat it.
            unknownOutcome.add(e);
          }
        }
      }, "writer");
      writer.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 20);

      // The client starts on the first endpoint: kill the member it is writing to.
      cluster.kill(0);
      int atKill = acknowledged.size();
      // If the killed member led, writes in flight time out at the server (about 6 s) until a new
      // leader is elected: allow for that on a slow machine.
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= atKill + 30);
      stop.set(true);
      writer.join(15_000);

      assertThat(unknownOutcome).as("writes whose outcome is unknown").hasSizeLessThanOrEqualTo(5);
      for (int i : acknowledged) {
        assertThat(client.blocking().get("fo/" + i).first()).as("acknowledged write %d", i)
            .map(kv -> kv.value().toString()).contains(Integer.toString(i));
      }
      assertThat(client.kv().get(of("fo/"), GetOptions.builder().prefix().countOnly().build()).join().count())
          .isGreaterThanOrEqualTo(acknowledged.size());
    }
  }

  @Test
  void aWriteRefusedByADeadEndpointIsSentToTheNextOne() throws Exception {
    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    List<String> endpoints = new ArrayList<>();
    endpoints.add("127.0.0.1:" + deadPort);
    endpoints.addAll(CLUSTER.cluster().endpoints());
    try (RaftKvClient client = RaftKvClient.builder().endpoints(endpoints)
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build()) {
      long rev = client.blocking().put("fo/refused", "sent once").header().revision();
      KeyValue kv = client.blocking().get("fo/refused").first().orElseThrow();
      assertThat(kv.modRevision()).isEqualTo(rev);
      assertThat(kv.version()).as("written exactly once").isEqualTo(1);
    }
  }

  @Test
  void readsFailOverToALiveMember() {
    TestCluster cluster = CLUSTER.cluster();
    try (RaftKvClient client = CLUSTER.newClient()) {
      client.blocking().put("ro/k", "v");
      cluster.kill(0);
      for (int i = 0; i < 5; i++) {
        assertThat(client.blocking().get("ro/k").first()).map(kv -> kv.value().toString()).contains("v");
      }
    }
  }

  @Test
  void watchResumesAcrossTheKillOfItsMemberWithoutLossOrDuplicates() {
    TestCluster cluster = CLUSTER.cluster();
    try (RaftKvClient client = CLUSTER.newClient();
        RaftKvClient writerClient = RaftKvClient.builder()
            .endpoints(cluster.endpoint(1), cluster.endpoint(2)).build()) {
      List<WatchEvent> events = new CopyOnWriteArrayList<>();
      List<RaftKvException> errors = new CopyOnWriteArrayList<>();
      Watcher w = client.watch().watch(of("wr/"), WatchOptions.DEFAULT.withPrefix().withPrevKv(), new WatchListener() {
        @Override
        public void onEvents(WatchBatch batch) {
          events.addAll(batch.events());
        }

        @Override
        public void onError(RaftKvException error) {
          errors.add(error);
        }
      });
      await().until(() -> w.nextRevision() > 0);
      String connectedTo = w.endpoint();
      int member = cluster.endpoints().indexOf(connectedTo);

      List<String> expected = new ArrayList<>();
      List<Long> revisions = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        revisions.add(writerClient.blocking().put("wr/" + i, "a" + i).header().revision());
        expected.add("PUT wr/" + i + "=a" + i);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 5);

      cluster.kill(member);
      // Written while the watch is disconnected or reconnecting: must arrive exactly once.
      for (int i = 0; i < 5; i++) {
        revisions.add(writerClient.blocking().put("wr/" + i, "b" + i).header().revision());
        expected.add("PUT wr/" + i + "=b" + i);
      }
      revisions.add(writerClient.blocking().delete("wr/0").header().revision());
      expected.add("DELETE wr/0=");

      await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 11);
      // Nothing more trickles in: no duplicate arrives late.
      writerClient.blocking().put("wr/sentinel", "end");
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 12);

      assertThat(errors).isEmpty();
      assertThat(w.endpoint()).isNotEqualTo(connectedTo);
      List<String> seen = events.stream().limit(11)
          .map(e -> e.type() + " " + e.kv().key() + "=" + e.kv().value()).toList();
      assertThat(seen).containsExactlyElementsOf(expected);
      assertThat(events.stream().limit(11).map(WatchEvent::revision).toList()).containsExactlyElementsOf(revisions);
      assertThat(events).hasSize(12);
      assertThat(events.get(10).prevKv()).map(kv -> kv.value().toString()).contains("b0");
      w.close();
    }
  }

  /**
   * The restarted member must know of the compaction when the watch resumes on it: etcd serves
   * clients only once its own publish entry is applied, and a RaftKV member only once it has
   * applied a read index the leader confirmed after its start (so it has caught up with the log).
   */
  @Test
  void aCompactionOfTheResumePointWhileDisconnectedIsReportedNotSwallowed() {
    TestCluster cluster = CLUSTER.cluster();
    // The watching client knows one member only, so it cannot resume before that member returns.
    try (RaftKvClient client = RaftKvClient.builder().endpoints(cluster.endpoint(0))
            .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(300)).build();
        RaftKvClient writerClient = RaftKvClient.builder().endpoints(cluster.endpoint(1), cluster.endpoint(2)).build()) {
      List<WatchEvent> events = new CopyOnWriteArrayList<>();
      List<RaftKvException> errors = new CopyOnWriteArrayList<>();
      Watcher w = client.watch().watch(of("wcomp/"), WatchOptions.DEFAULT.withPrefix(), new WatchListener() {
        @Override
        public void onEvents(WatchBatch batch) {
          events.addAll(batch.events());
        }

        @Override
        public void onError(RaftKvException error) {
          errors.add(error);
        }
      });
      await().until(() -> w.nextRevision() > 0);
      long resumeFrom = w.nextRevision();
      cluster.kill(0);
      writerClient.blocking().put("wcomp/a", "1");
      long last = writerClient.blocking().put("wcomp/a", "2").header().revision();
      BlockingClient.await(writerClient.kv().compact(last, true));
      cluster.restart(0);

      await().atMost(Duration.ofSeconds(30)).until(() -> !errors.isEmpty());
      assertThat(errors).singleElement().isInstanceOfSatisfying(RaftKvException.CompactedException.class,
          e -> assertThat(e.compactRevision()).isEqualTo(last));
      assertThat(events).as("the events at the resume point are gone: none may be invented").isEmpty();
      assertThat(w.nextRevision()).isEqualTo(resumeFrom);
    }
  }

  @Test
  void keepAliveSurvivesTheKillOfItsMember() {
    TestCluster cluster = CLUSTER.cluster();
    try (RaftKvClient client = CLUSTER.newClient()) {
      long id = client.blocking().grantLease(2).id();
      client.blocking().put(of("ka/alive"), of("v"), PutOptions.withLease(id));
      AtomicInteger renewals = new AtomicInteger();
      List<RaftKvException> lost = new CopyOnWriteArrayList<>();
      try (KeepAlive ka = client.lease().keepAlive(id, new KeepAliveListener() {
        @Override
        public void onRenewed(long leaseId, long ttl) {
          renewals.incrementAndGet();
        }

        @Override
        public void onLost(long leaseId, RaftKvException reason) {
          lost.add(reason);
        }
      })) {
        await().atMost(Duration.ofSeconds(10)).until(() -> renewals.get() >= 2);
        // The client starts on the first endpoint: its keep-alive stream goes there.
        cluster.kill(0);
        int atKill = renewals.get();
        // Renewals resume elsewhere and outlast several TTLs.
        await().atMost(Duration.ofSeconds(20)).until(() -> renewals.get() >= atKill + 12);
        assertThat(lost).isEmpty();
        assertThat(ka.alive()).isTrue();
        assertThat(client.blocking().get("ka/alive").kvs()).hasSize(1);
      }
    }
  }
}
