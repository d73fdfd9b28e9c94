package io.raftkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftkv.client.testing.ClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Membership and maintenance calls against a 3-member cluster. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterMaintenanceTest {
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
  void memberListAddLearnerUpdatePromoteRefusedAndRemove() {
    ClusterClient.Members members = BlockingClient.await(client.cluster().list());
    assertThat(members.members()).hasSize(3).extracting(Member::name).containsExactlyInAnyOrder("m0", "m1", "m2");
    assertThat(members.members()).flatExtracting(Member::clientUrls)
        .containsExactlyInAnyOrderElementsOf(CLUSTER.cluster().endpoints().stream().map(e -> "http://" + e).toList());

    ClusterClient.MemberAdded added = await().atMost(Duration.ofSeconds(20)).ignoreException(
        RaftKvException.ServerException.class).until(
        () -> BlockingClient.await(client.cluster().add(List.of("http://127.0.0.1:3"), true)), a -> true);
    assertThat(added.member().learner()).isTrue();
    assertThat(added.member().peerUrls()).containsExactly("http://127.0.0.1:3");
    assertThat(added.members()).hasSize(4);

    assertThat(BlockingClient.await(client.cluster().update(added.member().id(), List.of("http://127.0.0.1:4")))
        .members()).anySatisfy(m -> assertThat(m.peerUrls()).containsExactly("http://127.0.0.1:4"));
    assertThatThrownBy(() -> BlockingClient.await(client.cluster().promote(added.member().id())))
        .isInstanceOf(RaftKvException.ServerException.class)
        .hasMessageContaining("etcdserver: can only promote a learner member which is in sync with leader");

    assertThat(BlockingClient.await(client.cluster().remove(added.member().id())).members()).hasSize(3);
    assertThatThrownBy(() -> BlockingClient.await(client.cluster().remove(added.member().id())))
        .isInstanceOf(RaftKvException.MemberNotFoundException.class);
  }

  @Test
  void statusOfEachMemberNamesExactlyOneLeader() {
    List<EndpointStatus> all = CLUSTER.cluster().endpoints().stream()
        .map(e -> BlockingClient.await(client.maintenance().status(e))).toList();
    assertThat(all).filteredOn(EndpointStatus::isLeader).hasSize(1);
    assertThat(all).extracting(EndpointStatus::leader).containsOnly(all.get(0).leader());
    assertThat(all).allSatisfy(s -> {
      assertThat(s.version()).startsWith("3.");
      assertThat(s.dbSize()).isPositive();
      assertThat(s.raftIndex()).isPositive();
    });
    assertThat(BlockingClient.await(client.maintenance().health(CLUSTER.cluster().endpoint(1)))).isPositive();
  }

  @Test
  void alarmsDefragmentAndHashKvAgreeAcrossMembers() {
    assertThat(BlockingClient.await(client.maintenance().alarms())).isEmpty();
    long rev = client.blocking().put("maint/k", "v").header().revision();
    for (String e : CLUSTER.cluster().endpoints()) {
      BlockingClient.await(client.maintenance().defragment(e));
      EndpointStatus after = BlockingClient.await(client.maintenance().status(e));
      assertThat(after.dbSizeInUse()).isPositive().isLessThanOrEqualTo(after.dbSize());
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(CLUSTER.cluster().endpoints().stream()
        .map(e -> BlockingClient.await(client.maintenance().hashKv(e, rev)).hash()).distinct()).hasSize(1));
  }

  @Test
  void moveLeaderHandsLeadershipToTheTarget() {
    List<EndpointStatus> all = CLUSTER.cluster().endpoints().stream()
        .map(e -> BlockingClient.await(client.maintenance().status(e))).toList();
    EndpointStatus follower = all.stream().filter(s -> !s.isLeader()).findFirst().orElseThrow();
    BlockingClient.await(client.maintenance().moveLeader(follower.memberId()));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> BlockingClient.await(client.maintenance().status(follower.endpoint())).isLeader());
    assertThat(BlockingClient.await(client.maintenance().findLeaderEndpoint())).isEqualTo(follower.endpoint());
  }

  @Test
  void snapshotIsStreamedWithProgressAndItsChecksumVerified(@TempDir Path tmp) throws Exception {
    // Random (incompressible) values: a snapshot of any backend, compressed or not, must hold
    // at least these 50 KB. (Repeated characters let a compressing store, like RaftKV's, shrink below it.)
    Random random = new Random(42);
    for (int i = 0; i < 50; i++) {
      byte[] value = new byte[1000];
      random.nextBytes(value);
      client.blocking().put(ByteSequence.of("snap/" + i), ByteSequence.of(value), PutOptions.DEFAULT);
    }
    List<long[]> progress = new CopyOnWriteArrayList<>();
    Path file = tmp.resolve("sub/snapshot.db");
    MaintenanceClient.SnapshotFile f = BlockingClient.await(client.maintenance()
        .snapshot(CLUSTER.cluster().endpoint(0), file, (done, total) -> progress.add(new long[] {done, total})));
    assertThat(f.checksumVerified()).isTrue();
    assertThat(f.size()).isEqualTo(Files.size(file)).isGreaterThan(50_000);
    assertThat(progress).isNotEmpty();
    long[] last = progress.get(progress.size() - 1);
    assertThat(last[0]).isEqualTo(f.size()).isEqualTo(last[1]);
    assertThat(progress).extracting(p -> p[0]).isSorted();
    assertThat(SnapshotChecksum.verify(file)).isTrue();
    try (var s = Files.list(file.getParent())) {
      assertThat(s.toList()).containsExactly(file);
    }

    byte[] bytes = Files.readAllBytes(file);
    bytes[100] ^= 1;
    Path corrupt = tmp.resolve("corrupt.db");
    Files.write(corrupt, bytes);
    assertThatThrownBy(() -> SnapshotChecksum.verify(corrupt))
        .isInstanceOf(RaftKvException.SnapshotIntegrityException.class);
  }
}
