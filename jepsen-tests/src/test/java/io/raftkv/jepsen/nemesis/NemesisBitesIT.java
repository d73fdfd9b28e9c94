package io.raftkv.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.raftkv.jepsen.DockerRequirement;
import io.raftkv.jepsen.client.ClientException;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Membership;
import io.raftkv.jepsen.cluster.Node;
import io.raftkv.jepsen.sut.RaftKv;
import io.raftkv.jepsen.sut.SystemUnderTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each nemesis really does what it claims, on a live 3-node cluster: partitioned nodes cannot
 * reach each other, lossy links lose packets, a killed node stops serving, a paused node
 * accepts connections but never answers, a skewed clock is visible to a libc program, a removed
 * member is out until healing makes it a voter again, and (on RaftKV, whose nodes here run
 * losing un-fsynced writes on a kill) a crashed node comes back without what it had not
 * fsynced. After each test every fault is healed and the cluster must serve again.
 */
class NemesisBitesIT {
  private static Cluster cluster;
  private static SystemUnderTest sut;

  @BeforeAll
  static void start() {
    DockerRequirement.assumeDocker();
    sut = SystemUnderTest.fromSystemProperties();
    cluster = Cluster.start(sut instanceof RaftKv raftkv ? raftkv.losingUnsyncedWritesOnCrash() : sut,
        3);
    assertThat(cluster.awaitHealthy(Duration.ofSeconds(60))).isEmpty();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void healAndRecover() {
    NetworkRules.flush(cluster);
    new PauseNemesis(Target.ONE).heal(cluster);
    new KillNemesis(Target.ONE).heal(cluster);
    new ClockNemesis(false).heal(cluster);
    new MembershipNemesis().heal(cluster);
    assertThat(cluster.awaitHealthy(Duration.ofSeconds(60))).as("recovered after healing")
        .isEmpty();
  }

  /** Whether {@code from} can open an HTTP connection to {@code to}'s client port. */
  private static boolean reaches(Node from, Node to) {
    // busybox wget's own -T crashes after a successful transfer; timeout(1) bounds it instead
    return from.execAllowingFailure("timeout", "2", "wget", "-q", "-O", "/dev/null",
        "http://" + to.ip() + ":" + sut.httpPort() + "/version").getExitCode() == 0;
  }

  private static boolean serves(Node node, Duration deadline) {
    try (KvClient client = cluster.client(node)) {
      client.get("probe", false, deadline);
      return true;
    } catch (ClientException e) {
      return false;
    }
  }

  @Test
  void partitionIsolatesOneNodeFromAllOthers() {
    List<Node> nodes = cluster.nodes();
    assertThat(reaches(nodes.get(0), nodes.get(1))).as("before the partition").isTrue();
    String what = new PartitionNemesis(PartitionNemesis.Shape.ISOLATE_ONE)
        .inject(cluster, new Random(7));
    Node lonely = nodes.stream()
        .filter(n -> nodes.stream().filter(o -> o != n).noneMatch(o -> reaches(n, o)))
        .findFirst().orElseThrow(() -> new AssertionError("no node isolated by " + what));
    List<Node> others = nodes.stream().filter(n -> n != lonely).toList();
    assertThat(reaches(others.get(0), others.get(1))).as("the majority still talks").isTrue();
    assertThat(reaches(others.get(0), lonely)).as("and cannot reach " + lonely).isFalse();
    // The isolated node cannot serve a linearizable read; the majority can.
    assertThat(serves(lonely, Duration.ofSeconds(3))).as(lonely + " serves while isolated")
        .isFalse();
    await().atMost(Duration.ofSeconds(20))
        .until(() -> serves(others.get(0), Duration.ofSeconds(2)));
  }

  @Test
  void packetLossDropsSomeConnections() {
    List<Node> nodes = cluster.nodes();
    assertThat(IntStream.range(0, 6).allMatch(i -> reaches(nodes.get(i % 3),
        nodes.get((i + 1) % 3)))).as("every connection succeeds before the loss").isTrue();
    String what = new PacketLossNemesis().inject(cluster, new Random(3));
    long failures = IntStream.range(0, 20)
        .filter(i -> !reaches(nodes.get(i % 3), nodes.get((i + 1) % 3))).count();
    assertThat(failures).as("connections failed under " + what).isPositive();
    String rules = nodes.get(0).exec("iptables", "-S", "INPUT");
    assertThat(rules).contains("statistic").contains("DROP");
  }

  @Test
  void killedNodeStopsServingAndRestartsWhenHealed() {
    KillNemesis kill = new KillNemesis(Target.ONE);
    String what = kill.inject(cluster, new Random(1));
    Node victim = cluster.nodes().stream().filter(n -> what.contains(n.name())).findFirst()
        .orElseThrow();
    assertThat(serves(victim, Duration.ofSeconds(2))).as(victim + " serves after kill -9")
        .isFalse();
    assertThat(victim.execAllowingFailure("/bin/sh", "-c",
        "kill -0 $(cat /run/jepsen/node.pid)").getExitCode()).as("process gone").isNotZero();
    kill.heal(cluster);
    await().atMost(Duration.ofSeconds(30)).until(() -> serves(victim, Duration.ofSeconds(2)));
  }

  @Test
  void pausedNodeAcceptsConnectionsButNeverAnswers() {
    PauseNemesis pause = new PauseNemesis(Target.ONE);
    String what = pause.inject(cluster, new Random(2));
    Node victim = cluster.nodes().stream().filter(n -> what.contains(n.name())).findFirst()
        .orElseThrow();
    long start = System.nanoTime();
    assertThat(serves(victim, Duration.ofSeconds(2))).as(victim + " answers while paused")
        .isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("it hangs until the deadline rather than refusing").isGreaterThan(Duration.ofMillis(1500));
    pause.heal(cluster);
    await().atMost(Duration.ofSeconds(30)).until(() -> serves(victim, Duration.ofSeconds(2)));
  }

  @Test
  void clockSkewShiftsTheNodesLibcClock() {
    String what = new ClockNemesis(false).inject(cluster, new Random(5));
    Node victim = cluster.nodes().stream().filter(n -> what.contains(n.name())).findFirst()
        .orElseThrow();
    String script = "real=$(date +%s); fake=$(LD_PRELOAD=/usr/lib/faketime/libfaketime.so.1 "
        + "FAKETIME_TIMESTAMP_FILE=/run/jepsen/faketime FAKETIME_NO_CACHE=1 gnudate +%s); "
        + "echo $((fake - real))";
    long skew = Long.parseLong(victim.exec("/bin/sh", "-c", script).strip());
    assertThat(Math.abs(skew)).as("skew seen by a libc program after " + what)
        .isGreaterThanOrEqualTo(1);
    new ClockNemesis(false).heal(cluster);
    assertThat(Math.abs(Long.parseLong(victim.exec("/bin/sh", "-c", script).strip())))
        .isLessThanOrEqualTo(1);
  }

  @Test
  void clockStrobeKeepsFlippingTheOffset() {
    ClockNemesis strobe = new ClockNemesis(true);
    String what = strobe.inject(cluster, new Random(9));
    Node victim = cluster.nodes().stream().filter(n -> what.contains(n.name())).findFirst()
        .orElseThrow();
    Set<String> seen = new HashSet<>();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      seen.add(victim.exec("cat", "/run/jepsen/faketime").strip());
      return seen.size() >= 2;
    });
    strobe.heal(cluster);
    assertThat(victim.exec("cat", "/run/jepsen/faketime").strip()).isEqualTo("+0");
  }

  private static Node named(String name) {
    return cluster.node(name);
  }

  @Test
  void removedMemberIsOutUntilHealingMakesItAVoterAgain() {
    MembershipNemesis member = new MembershipNemesis();
    String what = member.inject(cluster, new Random(11));
    Matcher removed = Pattern.compile("removed (n\\d+)").matcher(what);
    assertThat(removed.find()).as(what).isTrue();
    Node victim = named(removed.group(1));
    Node other = cluster.nodes().stream().filter(n -> n != victim).findFirst().orElseThrow();
    String peerUrl = SystemUnderTest.peerUrl(victim.name());
    try (Membership membership = new Membership(other, Duration.ofSeconds(5))) {
      assertThat(membership.find(peerUrl)).as("member list after " + what).isEmpty();
    }
    assertThat(serves(victim, Duration.ofSeconds(2))).as(victim + " serves after removal")
        .isFalse();
    // The remaining two voters go on; the value written now must reach the re-added member.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      try (KvClient c = cluster.client(other)) {
        c.put("member-probe", "written-while-out", 0, Duration.ofSeconds(2));
        return true;
      }
    });

    member.heal(cluster);
    try (Membership membership = new Membership(other, Duration.ofSeconds(5))) {
      assertThat(membership.find(peerUrl)).as("member list after healing")
          .hasValueSatisfying(m -> assertThat(m.learner()).as("promoted").isFalse());
    }
    assertThat(victim.exec("cat", "/run/jepsen/command")).as("rejoined an existing cluster")
        .contains("existing");
    await().atMost(Duration.ofSeconds(30)).until(() -> serves(victim, Duration.ofSeconds(2)));
    try (KvClient c = cluster.client(victim)) {
      assertThat(c.get("member-probe", true, Duration.ofSeconds(2)))
          .as("the re-added member's own state").hasValueSatisfying(
              v -> assertThat(v.value()).isEqualTo("written-while-out"));
    }
  }

  /**
   * A crash loses what the node had not fsynced: RaftKV applies to its state machine without
   * fsync (the Raft log covers it), so a crashed node restarts with its state machine back at
   * its last flush and replays the committed entries since, which it logs. A plain kill -9 of
   * a production node keeps them (the operating system still has them): nothing to replay.
   */
  @Test
  void crashedNodeRestartsWithoutWhatItHadNotFsynced() {
    assumeTrue(sut instanceof RaftKv, "only RaftKV has the switch that makes a kill lose data");
    Node victim = cluster.nodes().get(2);
    try (KvClient c = cluster.client(victim)) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        for (int i = 0; i < 40; i++) {
          c.put("crash-probe-" + i, "v" + i, 0, Duration.ofSeconds(2));
        }
        return true;
      });
    }
    victim.ctl("kill");
    victim.ctl("start");
    await().atMost(Duration.ofSeconds(30)).until(() -> serves(victim, Duration.ofSeconds(2)));
    String log = victim.exec("/bin/sh", "-c", "grep 'committed entries to replay' /data/node.log"
        + " | tail -n 1");
    // Measured against the log's last index, not the logged commit index: a Ready that only moves
    // the commit index is not fsynced (etcd does the same), so the durable commit may lag the log,
    // while every probe entry was fsynced on append.
    Matcher replay = Pattern.compile("applied index (\\d+), Raft log \\d+\\.\\.(\\d+)").matcher(log);
    assertThat(replay.find()).as("restart line in the node log: " + log).isTrue();
    assertThat(Long.parseLong(replay.group(2)) - Long.parseLong(replay.group(1)))
        .as("entries the crash took from the state machine: " + log).isGreaterThanOrEqualTo(40);
    try (KvClient c = cluster.client(victim)) {
      assertThat(c.get("crash-probe-39", false, Duration.ofSeconds(5)))
          .hasValueSatisfying(v -> assertThat(v.value()).isEqualTo("v39"));
    }
  }
}
