package io.raftkv.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.jepsen.DockerRequirement;
import io.raftkv.jepsen.checker.Anomaly;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.Verdict;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.sut.RaftKv;
import io.raftkv.jepsen.sut.SystemUnderTest;
import java.nio.file.Files;
import java.time.Duration;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CI smoke suite: short runs on 3 nodes of the system named by {@code -Djepsen.sut}
 * (etcd, the default, or raftkv), each {@code -Djepsen.smoke.seconds} long (default 45), and
 * one seeded-bug run that must be caught. Reports land in target/jepsen/&lt;test&gt;/.
 */
class JepsenSmokeIT {
  private static final long SEED = Long.getLong("jepsen.seed", 20261123L);
  private final Duration time = Duration.ofSeconds(Long.getLong("jepsen.smoke.seconds", 45));
  private final SystemUnderTest sut = SystemUnderTest.fromSystemProperties();

  @BeforeEach
  void needsDocker() {
    DockerRequirement.assumeDocker();
  }

  private RunResult run(String name, String workload, String nemeses) {
    return run(TestConfig.smoke(name, workload, nemeses, time, SEED));
  }

  /**
   * A crashed JVM node needs a few seconds to start again; crash runs leave it time to, so the
   * cluster serves between crashes (otherwise there would be little history to check).
   */
  private static TestConfig leavingTimeToRestart(TestConfig config) {
    return config.withPeriods(Duration.ofSeconds(10), Duration.ofSeconds(4));
  }

  private RunResult run(TestConfig config) {
    RunResult r = new TestRunner(sut).run(config);
    System.out.println(r.describe());
    assertThat(Files.exists(r.reportDirectory().resolve("history.jsonl"))).isTrue();
    assertThat(r.faults()).as("the nemesis ran").isNotEmpty();
    assertThat(r.results()).filteredOn(c -> !c.checker().equals("liveness")
        && !c.checker().equals("harness")).isNotEmpty();
    return r;
  }

  private static void assertValid(RunResult r) {
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
    assertThat(r.history().ops().stream().filter(o -> o.type() == OpType.OK).count())
        .as("acknowledged operations").isGreaterThan(50);
  }

  @Test
  void registerUnderPartitions() {
    assertValid(run("register-partition", "register",
        "partition-one,partition-leader,partition-halves"));
  }

  @Test
  void appendUnderKills() {
    assertValid(run("append-kill", "append", "kill-one,kill-leader"));
  }

  @Test
  void registerUnderPauses() {
    assertValid(run("register-pause", "register", "pause"));
  }

  @Test
  void setUnderClockSkew() {
    assertValid(run("set-clock", "set", "clock"));
  }

  @Test
  void registerUnderMembershipChanges() {
    RunResult r = run("register-member", "register", "member");
    assertValid(r);
    assertThat(r.faults()).as("a member was removed").anySatisfy(f ->
        assertThat(f.description()).startsWith("removed"));
  }

  /** RaftKV only: etcd has no switch that makes a kill lose un-fsynced writes. */
  @Test
  void appendUnderCrashesLosingUnsyncedWrites() {
    assumeTrue(sut instanceof RaftKv, "crash nemeses need RaftKV's RAFTKV_TEST_CRASH switch");
    assertValid(run(leavingTimeToRestart(TestConfig.smoke("append-crash", "append",
        "crash-majority,crash-all", time, SEED))));
  }

  /**
   * The crash nemesis must bite: with the server's test-only RAFTKV_TEST_BUG=unsynced-log the
   * Raft log acknowledges appends it has not fsynced, so crashing every node loses
   * acknowledged elements, which the append checker must name.
   */
  @Test
  void seededUnsyncedLogIsCaughtByCrashes() {
    assumeTrue(sut instanceof RaftKv, "the seeded bug is a RaftKV switch");
    RunResult r = new TestRunner(((RaftKv) sut).withSeededBug("unsynced-log")).run(
        leavingTimeToRestart(TestConfig.smoke("seeded-unsynced-log", "append", "crash-all", time,
            SEED)));
    System.out.println(r.describe());
    CheckResult append = r.results().stream().filter(c -> c.checker().equals("append"))
        .findFirst().orElseThrow();
    assertThat(append.verdict()).as(r.describe()).isEqualTo(Verdict.INVALID);
    assertThat(append.stats().get("lost")).as("acknowledged elements lost: " + r.describe())
        .isPositive();
  }

  /**
   * The harness must be able to fail. On etcd: reads with serializable=true are served from
   * a node's local state, so a node cut off from the majority keeps answering with old
   * values while the majority moves on: a real stale read the checker must name. On RaftKV:
   * linearizable reads with the server's test-only switch RAFTKV_TEST_BUG=stale-reads (serve
   * reads locally without ReadIndex) must be caught the same way.
   */
  @Test
  void seededStaleReadsAreCaught() {
    RunResult r;
    if (sut instanceof RaftKv raftkv) {
      r = new TestRunner(raftkv.withSeededBug("stale-reads")).run(TestConfig.smoke(
          "seeded-stale-reads", "register", "partition-one", time, SEED));
    } else {
      r = new TestRunner(sut).run(TestConfig.smoke("seeded-stale-reads",
          "register-serializable", "partition-one", time, SEED));
    }
    System.out.println(r.describe());
    CheckResult linearizability = r.results().stream()
        .filter(c -> c.checker().equals("linearizable-register")).findFirst().orElseThrow();
    assertThat(linearizability.verdict()).as(r.describe()).isEqualTo(Verdict.INVALID);
    // Some keys may instead exhaust the search (unknown); at least one must be a named violation.
    Anomaly first = linearizability.anomalies().stream().filter(a -> a.kind().equals("nonlinearizable"))
        .findFirst().orElseThrow(() -> new AssertionError("no nonlinearizable key: " + r.describe()));
    assertThat(first.operations()).anySatisfy(op -> assertThat(op.f()).isEqualTo("read"));
    assertThat(Files.exists(r.reportDirectory().resolve("timelines")
        .resolve(first.key() + ".html"))).as("timeline of the failing key").isTrue();
  }
}
