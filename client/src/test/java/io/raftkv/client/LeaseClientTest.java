package io.raftkv.client;

import static io.raftkv.client.ByteSequence.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftkv.client.testing.ClusterExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaseClientTest {
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

  @Test
  void grantAttachTimeToLiveListAndRevoke() {
    LeaseClient.Grant g = kv.grantLease(30);
    assertThat(g.ttlSeconds()).isEqualTo(30);
    kv.put(of("lease/a"), of("1"), PutOptions.withLease(g.id()));

    LeaseClient.TimeToLive ttl = kv.timeToLive(g.id(), true);
    assertThat(ttl.exists()).isTrue();
    assertThat(ttl.grantedTtlSeconds()).isEqualTo(30);
    assertThat(ttl.ttlSeconds()).isBetween(1L, 30L);
    assertThat(ttl.keys()).containsExactly(of("lease/a"));
    assertThat(BlockingClient.await(client.lease().leases())).contains(g.id());

    kv.revokeLease(g.id());
    assertThat(kv.get("lease/a").kvs()).isEmpty();
    assertThat(kv.timeToLive(g.id(), false).ttlSeconds()).isEqualTo(-1);
    assertThatThrownBy(() -> kv.revokeLease(g.id())).isInstanceOf(RaftKvException.LeaseNotFoundException.class);
  }

  @Test
  void grantWithChosenIdAndDuplicateIsTyped() {
    long id = 0x1234_5678L;
    LeaseClient.Grant g = BlockingClient.await(client.lease().grant(20, id));
    assertThat(g.id()).isEqualTo(id);
    assertThatThrownBy(() -> BlockingClient.await(client.lease().grant(20, id)))
        .isInstanceOf(RaftKvException.LeaseExistsException.class);
    assertThatThrownBy(() -> BlockingClient.await(client.lease().grant(10_000_000_000L)))
        .isInstanceOf(RaftKvException.LeaseTtlTooLargeException.class);
    kv.revokeLease(id);
  }

  @Test
  void keepAliveRenewsBeyondTheTtlUntilClosedThenTheLeaseExpires() {
    long id = kv.grantLease(2).id();
    kv.put(of("ka/k"), of("v"), PutOptions.withLease(id));
    AtomicInteger renewals = new AtomicInteger();
    CompletableFuture<RaftKvException> lost = new CompletableFuture<>();
    KeepAlive ka = client.lease().keepAlive(id, new KeepAliveListener() {
      @Override
      public void onRenewed(long leaseId, long ttl) {
        renewals.incrementAndGet();
      }

      @Override
      public void onLost(long leaseId, RaftKvException reason) {
        lost.complete(reason);
      }
    });
    // Renewed every TTL/3: after 4 renewals the lease has outlived its 2 s TTL.
    await().atMost(Duration.ofSeconds(10)).until(() -> renewals.get() >= 5);
    assertThat(kv.get("ka/k").kvs()).hasSize(1);
    assertThat(ka.alive()).isTrue();
    ka.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> kv.get("ka/k").kvs().isEmpty());
    assertThat(lost).isNotDone();
  }

  @Test
  void keepAliveReportsARevokedLeaseAsLost() {
    long id = kv.grantLease(3).id();
    CompletableFuture<RaftKvException> lost = new CompletableFuture<>();
    CompletableFuture<Long> firstRenewal = new CompletableFuture<>();
    KeepAlive ka = client.lease().keepAlive(id, new KeepAliveListener() {
      @Override
      public void onRenewed(long leaseId, long ttl) {
        firstRenewal.complete(ttl);
      }

      @Override
      public void onLost(long leaseId, RaftKvException reason) {
        lost.complete(reason);
      }
    });
    assertThat(firstRenewal.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(3);
    kv.revokeLease(id);
    assertThat(lost.orTimeout(10, TimeUnit.SECONDS).join()).isInstanceOf(RaftKvException.LeaseNotFoundException.class);
    assertThat(ka.alive()).isFalse();
  }

  @Test
  void keepAliveOnceOnAnUnknownLeaseFails() {
    long id = kv.grantLease(5).id();
    assertThat(BlockingClient.await(client.lease().keepAliveOnce(id))).isEqualTo(5);
    assertThatThrownBy(() -> BlockingClient.await(client.lease().keepAliveOnce(0x7abcdefL)))
        .isInstanceOf(RaftKvException.LeaseNotFoundException.class);
  }
}
