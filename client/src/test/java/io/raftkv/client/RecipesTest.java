package io.raftkv.client;

import static io.raftkv.client.ByteSequence.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftkv.client.recipes.Election;
import io.raftkv.client.recipes.LeaderKey;
import io.raftkv.client.recipes.Lock;
import io.raftkv.client.recipes.LockKey;
import io.raftkv.client.recipes.Session;
import io.raftkv.client.testing.ClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lock and Election, client-side recipes over KV/Watch/Lease, against a 3-member cluster. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RecipesTest {
  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(3);

  static RaftKvClient client;

  @BeforeAll
  static void connect() {
    client = CLUSTER.newClient();
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  @Test
  void lockKeyIsPrefixSlashLeaseHexAndFencingRevisionIsItsCreateRevision() throws Exception {
    try (Session s = Session.open(client, 10)) {
      Lock lock = new Lock(s, "locks/format");
      LockKey k = lock.lock();
      assertThat(k.key().toString()).isEqualTo("locks/format/" + Long.toHexString(s.leaseId()));
      KeyValue kv = client.blocking().get(k.key().toString()).first().orElseThrow();
      assertThat(k.fencingRevision()).isEqualTo(kv.createRevision());
      assertThat(kv.lease()).isEqualTo(s.leaseId());
      lock.unlock();
      assertThat(client.blocking().get(k.key().toString()).kvs()).isEmpty();
    }
  }

  @Test
  void contendersNeverOverlapAndFencingRevisionsIncrease() throws Exception {
    int contenders = 4;
    int rounds = 3;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    List<Long> fencing = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < contenders; c++) {
        done.add(pool.submit(() -> {
          try (Session s = Session.open(client, 5)) {
            Lock lock = new Lock(s, "locks/contended");
            for (int r = 0; r < rounds; r++) {
              LockKey k = lock.lock(Duration.ofSeconds(30));
              int now = inside.incrementAndGet();
              maxInside.accumulateAndGet(now, Math::max);
              fencing.add(k.fencingRevision());
              // A read-modify-write that only the holder may make: lost updates would show below.
              String counter = client.blocking().get("locks/counter").first().map(kv -> kv.value().toString()).orElse("0");
              client.blocking().put("locks/counter", Integer.toString(Integer.parseInt(counter) + 1));
              inside.decrementAndGet();
              lock.unlock();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(client.blocking().get("locks/counter").first().orElseThrow().value().toString())
        .isEqualTo(Integer.toString(contenders * rounds));
    assertThat(fencing).hasSize(contenders * rounds).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aHolderWhoseLeaseExpiresLosesTheLockAndIsFencedOff() throws Exception {
    Session dying = Session.open(client, 1);
    Lock first = new Lock(dying, "locks/expiry");
    LockKey stale = first.lock();

    try (Session waiting = Session.open(client, 10)) {
      Lock second = new Lock(waiting, "locks/expiry");
      assertThat(second.tryLock()).isEmpty();
      CompletableFuture<LockKey> acquired = CompletableFuture.supplyAsync(() -> {
        try {
          return second.lock(Duration.ofSeconds(30));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      // The holder stops renewing (a crash): its key goes with its lease, and the waiter gets the lock.
      dying.abandon();
      LockKey fresh = acquired.get(30, TimeUnit.SECONDS);
      assertThat(fresh.fencingRevision()).isGreaterThan(stale.fencingRevision());

      // The stale holder's fenced write is refused; the new holder's succeeds.
      Txn staleWrite = client.kv().txn()
          .when(Cmp.createRevision(stale.key()).eq(stale.fencingRevision()))
          .then(Op.put("locks/resource", "stale"));
      assertThat(client.blocking().commit(staleWrite).succeeded()).isFalse();
      Txn freshWrite = client.kv().txn()
          .when(Cmp.createRevision(fresh.key()).eq(fresh.fencingRevision()))
          .then(Op.put("locks/resource", "fresh"));
      assertThat(client.blocking().commit(freshWrite).succeeded()).isTrue();
      second.unlock();
    }
  }

  @Test
  void lockTimesOutAndWithdraws() throws Exception {
    try (Session a = Session.open(client, 10); Session b = Session.open(client, 10)) {
      Lock holder = new Lock(a, "locks/timeout");
      holder.lock();
      Lock waiter = new Lock(b, "locks/timeout");
      assertThatThrownBy(() -> waiter.lock(Duration.ofMillis(300))).isInstanceOf(TimeoutException.class);
      assertThat(client.blocking().get(of("locks/timeout/"), GetOptions.builder().prefix().countOnly().build()).count())
          .isEqualTo(1);
      holder.unlock();
    }
  }

  @Test
  void electionHandsOverOnResignAndOnSessionExpiry() throws Exception {
    ByteSequence name = of("elect/service");
    List<String> observed = new CopyOnWriteArrayList<>();
    try (Watcher obs = Election.observe(client, name,
        leader -> observed.add(leader.map(kv -> kv.value().toString()).orElse("<none>")))) {
      Session sa = Session.open(client, 10);
      Session sb = Session.open(client, 1);
      Session sc = Session.open(client, 10);
      Election a = new Election(sa, name);
      Election b = new Election(sb, name);
      Election c = new Election(sc, name);

      LeaderKey ka = a.campaign(of("alpha"));
      assertThat(Election.leader(client, name)).map(kv -> kv.value().toString()).contains("alpha");
      CompletableFuture<LeaderKey> bWins = CompletableFuture.supplyAsync(() -> campaign(b, "bravo"));
      await().atMost(Duration.ofSeconds(10)).until(() -> client.blocking()
          .get(of("elect/service/"), GetOptions.builder().prefix().countOnly().build()).count() == 2);
      CompletableFuture<LeaderKey> cWins = CompletableFuture.supplyAsync(() -> campaign(c, "charlie"));
      await().atMost(Duration.ofSeconds(10)).until(() -> client.blocking()
          .get(of("elect/service/"), GetOptions.builder().prefix().countOnly().build()).count() == 3);

      a.proclaim(of("alpha-2"));
      await().atMost(Duration.ofSeconds(10)).until(() -> observed.contains("alpha-2"));
      assertThat(bWins).isNotDone();

      a.resign();
      LeaderKey kb = bWins.get(20, TimeUnit.SECONDS);
      assertThat(kb.revision()).isGreaterThan(ka.revision());
      assertThat(a.leadership()).isEmpty();
      assertThatThrownBy(() -> a.proclaim(of("late"))).isInstanceOf(RaftKvException.NotLeaderException.class);

      // B's session dies without resigning: C takes over when B's lease expires.
      sb.abandon();
      LeaderKey kc = cWins.get(30, TimeUnit.SECONDS);
      assertThat(kc.revision()).isGreaterThan(kb.revision());
      assertThat(Election.leader(client, name)).map(kv -> kv.value().toString()).contains("charlie");
      await().atMost(Duration.ofSeconds(10)).until(() -> observed.contains("charlie"));
      assertThat(observed).containsSubsequence("alpha", "alpha-2", "bravo", "charlie");
      c.resign();
      await().atMost(Duration.ofSeconds(10)).until(() -> observed.get(observed.size() - 1).equals("<none>"));
      sa.close();
      sc.close();
    }
  }

  private static LeaderKey campaign(Election e, String value) {
    try {
      return e.campaign(of(value), Duration.ofSeconds(60));
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Test
  void campaignIsRefusedOnceTheSessionIsGone() throws Exception {
    Session s = Session.open(client, 10);
    Election e = new Election(s, of("elect/gone"));
    s.close();
    assertThatThrownBy(() -> e.campaign(of("x"), Duration.ofSeconds(5)))
        .isInstanceOf(RaftKvException.LeaseNotFoundException.class);
    assertThat(Election.leader(client, of("elect/gone"))).isEqualTo(Optional.empty());
  }
}
