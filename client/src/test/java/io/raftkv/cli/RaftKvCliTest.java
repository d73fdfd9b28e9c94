package io.raftkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.EndpointStatus;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.testing.ClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The raftkv CLI, run in-process against a 3-member cluster: output and exit codes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RaftKvCliTest {
  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(3);

  static Map<String, String> env;
  static String first;
  static RaftKvClient client;

  @BeforeAll
  static void setUp() {
    env = Map.of("RAFTKV_ENDPOINTS", String.join(",", CLUSTER.cluster().endpoints()));
    first = CLUSTER.cluster().endpoint(0);
    client = CLUSTER.newClient();
  }

  @AfterAll
  static void tearDown() {
    client.close();
  }

  static CliRun cli(String... args) {
    return CliRun.run(env, "", args);
  }

  static CliRun cliIn(String stdin, String... args) {
    return CliRun.run(env, stdin, args);
  }

  @Test
  void putGetDelInEtcdctlsSimpleFormat() {
    CliRun put = cli("put", "kv/a", "hello world");
    assertThat(put.exitCode).as(put.toString()).isZero();
    assertThat(put.out()).isEqualTo("OK\n");
    cli("put", "kv/b", "2");

    assertThat(cli("get", "kv/a").out()).isEqualTo("kv/a\nhello world\n");
    assertThat(cli("get", "kv/", "--prefix").out()).isEqualTo("kv/a\nhello world\nkv/b\n2\n");
    assertThat(cli("get", "kv/", "--prefix", "--print-value-only").out()).isEqualTo("hello world\n2\n");
    assertThat(cli("get", "kv/", "--prefix", "--keys-only").out()).isEqualTo("kv/a\n\nkv/b\n\n");
    assertThat(cli("get", "kv/", "--prefix", "--limit", "1", "--order", "DESCEND").out()).isEqualTo("kv/b\n2\n");
    assertThat(cli("get", "kv/", "--prefix", "--count-only").out()).isEqualTo("2\n");
    assertThat(cli("put", "kv/a", "again", "--prev-kv").out()).isEqualTo("OK\nkv/a\nhello world\n");
    assertThat(cli("get", "kv/nothing").out()).isEmpty();

    CliRun del = cli("del", "kv/", "--prefix");
    assertThat(del.exitCode).isZero();
    assertThat(del.out()).isEqualTo("2\n");
  }

  @Test
  void putReadsTheValueFromStdinWhenOmitted() {
    assertThat(cliIn("from stdin", "put", "cli/stdin").exitCode).isZero();
    assertThat(cli("get", "cli/stdin", "--print-value-only").out()).isEqualTo("from stdin\n");
  }

  @Test
  void jsonOutputCarriesHeaderAndBase64Bytes() {
    cli("put", "cli/json", "v");
    CliRun get = cli("get", "cli/json", "-w", "json");
    String b64key = Base64.getEncoder().encodeToString("cli/json".getBytes());
    assertThat(get.out()).startsWith("{\"header\":{\"cluster_id\":")
        .contains("\"kvs\":[{\"key\":\"" + b64key + "\"", "\"value\":\"" + Base64.getEncoder().encodeToString("v".getBytes()) + "\"")
        .contains("\"count\":1");
  }

  @Test
  void globalFlagsWorkBeforeOrAfterTheCommandAndOverrideTheEnvironment() {
    CliRun after = CliRun.run(Map.of("RAFTKV_ENDPOINTS", "127.0.0.1:1"), "", "put", "cli/flag", "x", "--endpoints", first);
    assertThat(after.exitCode).as(after.toString()).isZero();
    CliRun before = CliRun.run(Map.of(), "", "--endpoints=" + first, "get", "cli/flag", "--print-value-only");
    assertThat(before.out()).isEqualTo("x\n");
  }

  @Test
  void txnFromStdinInEtcdctlsSyntax() {
    cli("put", "cli/txn", "1");
    String txn = "mod(\"cli/txn\") > \"0\"\nval(\"cli/txn\") = \"1\"\n\nput cli/txn \"two words\"\nget cli/txn\n\nput cli/txn never\n";
    CliRun ok = cliIn(txn, "txn");
    assertThat(ok.exitCode).as(ok.toString()).isZero();
    assertThat(ok.out()).isEqualTo("SUCCESS\n\nOK\ncli/txn\ntwo words\n");

    CliRun failed = cliIn(txn, "txn");
    assertThat(failed.exitCode).isZero();
    assertThat(failed.out()).isEqualTo("FAILURE\n\nOK\n");
    assertThat(cli("get", "cli/txn", "--print-value-only").out()).isEqualTo("never\n");

    CliRun interactive = cliIn("c(\"cli/none\") = \"0\"\n\ndel cli/txn\n\n\n", "txn", "-i");
    assertThat(interactive.out()).isEqualTo("compares:\nsuccess requests (get, put, del):\n"
        + "failure requests (get, put, del):\n\nSUCCESS\n\n1\n");
  }

  @Test
  void malformedTxnIsInvalidInput() {
    CliRun bad = cliIn("mod(cli/x) >> 3\n\n\n", "txn");
    assertThat(bad.exitCode).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(bad.err()).isEqualTo("Error: malformed comparison: mod(cli/x) >> 3\n");
  }

  @Test
  void serverRefusalIsOneLineNamingTheEndpointAndEtcdsReason() {
    CliRun r = CliRun.run(env, "", "--endpoints", first, "get", "cli/x", "--rev", "999999999");
    assertThat(r.exitCode).isEqualTo(ExitCode.ERROR);
    assertThat(r.err()).isEqualTo("Error: " + first + ": etcdserver: mvcc: required revision is a future revision\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void unreachableClusterAndBadArgumentsHaveTheirOwnExitCodes() {
    CliRun down = CliRun.run(Map.of(), "", "--endpoints", "127.0.0.1:1", "--dial-timeout", "300ms",
        "--command-timeout", "1s", "get", "x");
    assertThat(down.exitCode).as(down.toString()).isEqualTo(ExitCode.BAD_CONNECTION);
    assertThat(down.err()).startsWith("Error: 127.0.0.1:1: ").doesNotContain("\n\n").hasLineCount(1);

    CliRun usage = cli("get");
    assertThat(usage.exitCode).isEqualTo(ExitCode.BAD_ARGS);
    assertThat(usage.err()).startsWith("Error: Missing required parameter");
    assertThat(cli("nosuchcommand").exitCode).isEqualTo(ExitCode.BAD_ARGS);
  }

  @Test
  void leaseCommands() {
    CliRun grant = cli("lease", "grant", "100");
    assertThat(grant.out()).matches("lease [0-9a-f]{16} granted with TTL\\(100s\\)\n");
    String id = grant.out().split(" ")[1];
    cli("put", "cli/leased", "v", "--lease", id);

    assertThat(cli("lease", "timetolive", id, "--keys").out())
        .matches("lease " + id + " granted with TTL\\(100s\\), remaining\\(\\d+s\\), attached keys\\(\\[cli/leased\\]\\)\n");
    assertThat(cli("lease", "list").out()).contains(id);
    assertThat(cli("lease", "keep-alive", "--once", id).out()).isEqualTo("lease " + id + " keepalived with TTL(100)\n");
    assertThat(cli("lease", "revoke", id).out()).isEqualTo("lease " + id + " revoked\n");
    assertThat(cli("lease", "timetolive", id).out()).isEqualTo("lease " + id + " already expired\n");
    assertThat(cli("get", "cli/leased").out()).isEmpty();

    CliRun missing = cli("lease", "revoke", id);
    assertThat(missing.exitCode).isEqualTo(ExitCode.ERROR);
    assertThat(missing.err()).endsWith(": etcdserver: requested lease not found\n");
    assertThat(cli("lease", "revoke", "not-hex").exitCode).isEqualTo(ExitCode.INVALID_INPUT);
  }

  @Test
  void memberListAddUpdateRemove() {
    CliRun table = cli("member", "list", "-w", "table");
    assertThat(table.out()).contains("|        ID        | STATUS  | NAME |").contains("| started |   m0 |");
    assertThat(table.out().lines().filter(l -> l.contains("started"))).hasSize(3);
    assertThat(cli("member", "list").out().lines()).hasSize(3)
        .allMatch(l -> l.matches("[0-9a-f]+, started, m\\d, http://127\\.0\\.0\\.1:\\d+, http://127\\.0\\.0\\.1:\\d+, false"));

    // etcd refuses membership changes ("unhealthy cluster") for a few seconds after a member (re)connects.
    CliRun[] added = new CliRun[1];
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      added[0] = cli("member", "add", "newbie", "--peer-urls", "http://127.0.0.1:1", "--learner");
      return added[0].exitCode == 0 || !added[0].err().contains("unhealthy cluster");
    });
    CliRun add = added[0];
    assertThat(add.exitCode).as(add.toString()).isZero();
    assertThat(add.out()).matches("(?s)Member [0-9a-f]+ added to cluster [0-9a-f]+ as learner\n\nETCD_NAME=\"newbie\"\n"
        + "ETCD_INITIAL_CLUSTER=\".*newbie=http://127.0.0.1:1.*\"\nETCD_INITIAL_ADVERTISE_PEER_URLS=\"http://127.0.0.1:1\"\n"
        + "ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n");
    String id = add.out().split(" ")[1];
    assertThat(cli("member", "list").out()).contains(id + ", unstarted, , http://127.0.0.1:1, , true");

    CliRun promote = cli("member", "promote", id);
    assertThat(promote.exitCode).as("a learner that never started cannot be promoted").isEqualTo(ExitCode.ERROR);
    assertThat(promote.err()).contains("etcdserver: can only promote a learner member which is in sync with leader");

    assertThat(cli("member", "update", id, "--peer-urls", "http://127.0.0.1:2").out())
        .matches("Member " + id + " updated in cluster [0-9a-f]+\n");
    assertThat(cli("member", "remove", id).out()).matches("Member " + id + " removed from cluster [0-9a-f]+\n");
    assertThat(cli("member", "list").out().lines()).hasSize(3);
    assertThat(cli("member", "remove", id).err()).contains("etcdserver: member not found");
  }

  @Test
  void endpointStatusHealthAndHashAcrossTheCluster() {
    CliRun status = CliRun.run(Map.of(), "", "--endpoints", first, "endpoint", "status", "--cluster", "-w", "table");
    assertThat(status.exitCode).as(status.toString()).isZero();
    assertThat(status.out()).contains("ENDPOINT", "RAFT APPLIED INDEX");
    assertThat(status.out().lines().filter(l -> l.startsWith("| 127.0.0.1:"))).hasSize(3);
    assertThat(status.out().lines().filter(l -> l.contains("|      true |"))).hasSize(1);

    CliRun health = cli("endpoint", "health");
    assertThat(health.exitCode).isZero();
    assertThat(health.out().lines()).hasSize(3)
        .allMatch(l -> l.matches("127\\.0\\.0\\.1:\\d+ is healthy: successfully committed proposal: took = [0-9.]+ms"));

    CliRun hash = cli("endpoint", "hashkv", "-w", "json");
    assertThat(hash.exitCode).isZero();
    assertThat(hash.out().lines()).hasSize(3).allMatch(l -> l.contains("\"HashKV\":{\"header\""));
  }

  @Test
  void endpointHealthReportsADeadMemberAndFails() {
    CLUSTER.cluster().kill(2);
    CliRun health = CliRun.run(env, "", "--command-timeout", "2s", "--dial-timeout", "500ms", "endpoint", "health");
    assertThat(health.exitCode).isEqualTo(ExitCode.ERROR);
    assertThat(health.out()).contains(CLUSTER.cluster().endpoint(2) + " is unhealthy: failed to commit proposal: ");
    assertThat(health.out().lines().filter(l -> l.contains("is healthy"))).hasSize(2);
    assertThat(health.err()).isEqualTo("Error: unhealthy cluster\n");
  }

  @Test
  void compactionDefragAndAlarms() {
    long rev = client.blocking().put("cli/compact", "x").header().revision();
    assertThat(cli("compaction", Long.toString(rev), "--physical").out()).isEqualTo("compacted revision " + rev + "\n");
    CliRun defrag = cli("defrag", "--cluster");
    assertThat(defrag.exitCode).as(defrag.toString()).isZero();
    assertThat(defrag.out().lines()).hasSize(3).allMatch(l -> l.startsWith("Finished defragmenting etcd member["));
    CliRun alarms = cli("alarm", "list");
    assertThat(alarms.exitCode).isZero();
    assertThat(alarms.out()).isEmpty();
    assertThat(cli("alarm", "disarm").exitCode).isZero();
  }

  @Test
  void moveLeaderTransfersLeadership() {
    List<EndpointStatus> before = CLUSTER.cluster().endpoints().stream()
        .map(e -> BlockingClient.await(client.maintenance().status(e))).toList();
    EndpointStatus follower = before.stream().filter(s -> !s.isLeader()).findFirst().orElseThrow();
    CliRun move = cli("move-leader", Long.toHexString(follower.memberId()));
    assertThat(move.exitCode).as(move.toString()).isZero();
    assertThat(move.out()).matches("Leadership transferred from [0-9a-f]+ to " + Long.toHexString(follower.memberId()) + "\n");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> BlockingClient.await(client.maintenance().status(follower.endpoint())).isLeader());
  }

  @Test
  void snapshotSaveShowsProgressAndRestoreRebuildsADataDir(@TempDir Path tmp) throws Exception {
    client.blocking().put("cli/snap", "in the snapshot");
    Path file = tmp.resolve("backup.db");
    CliRun save = CliRun.run(Map.of(), "", "--endpoints", first, "snapshot", "save", file.toString());
    assertThat(save.exitCode).as(save.toString()).isZero();
    assertThat(save.out()).isEqualTo("Snapshot saved at " + file + "\n");
    assertThat(save.err()).contains("Snapshot [", "100%");
    assertThat(Files.size(file) % 512).isEqualTo(32);

    CliRun many = cli("snapshot", "save", tmp.resolve("x.db").toString());
    assertThat(many.exitCode).isEqualTo(ExitCode.INVALID_INPUT);

    Path dataDir = tmp.resolve("restored");
    CliRun restore = cli("snapshot", "restore", file.toString(), "--data-dir", dataDir.toString());
    assertThat(restore.exitCode).as(restore.toString()).isZero();
    assertThat(restore.err()).contains("Restore [", "100%");
    Path db = dataDir.resolve("member/snap/db");
    assertThat(Files.size(db)).isEqualTo(Files.size(file) - 32);
    assertThat(new String(Files.readAllBytes(db), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("in the snapshot");

    assertThat(cli("snapshot", "restore", file.toString(), "--data-dir", dataDir.toString()).exitCode)
        .as("refuses a non-empty data dir").isEqualTo(ExitCode.INVALID_INPUT);

    byte[] corrupt = Files.readAllBytes(file);
    corrupt[4096] ^= 0x55;
    Path bad = tmp.resolve("corrupt.db");
    Files.write(bad, corrupt);
    CliRun refused = cli("snapshot", "restore", bad.toString(), "--data-dir", tmp.resolve("other").toString());
    assertThat(refused.exitCode).isEqualTo(ExitCode.ERROR);
    assertThat(refused.err()).contains("fails its SHA-256 check");
  }

  @Test
  void lockRunsTheCommandWhileHoldingTheLockAndReturnsItsExitCode() {
    CliRun r = cli("lock", "--ttl", "5", "cli-lock", "sh", "-c", "test -n \"$ETCD_LOCK_KEY\" && exit 3");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
    assertThat(r.out()).matches("cli-lock/[0-9a-f]+\n");
    assertThat(client.blocking().get(io.raftkv.client.ByteSequence.of("cli-lock/"),
        io.raftkv.client.GetOptions.builder().prefix().countOnly().build()).count()).as("released").isZero();
  }

  @Test
  void watchPrintsEventsUntilInterrupted() throws Exception {
    CliRun watch = new CliRun(env, "");
    Thread t = new Thread(() -> watch.execute("watch", "cli/w/", "--prefix", "--prev-kv"));
    t.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      client.blocking().put("cli/w/probe", "p");
      return watch.out().contains("cli/w/probe");
    });
    client.blocking().put("cli/w/k", "v1");
    client.blocking().put("cli/w/k", "v2");
    client.blocking().delete("cli/w/k");
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.out().contains("DELETE\ncli/w/k\n\ncli/w/k\nv2\n"));
    assertThat(watch.out()).contains("PUT\ncli/w/k\nv1\nPUT\ncli/w/k\nv2\ncli/w/k\nv1\nDELETE\ncli/w/k\n\ncli/w/k\nv2\n");
    t.interrupt();
    t.join(10_000);
    assertThat(watch.exitCode).isZero();
  }

  @Test
  void interactiveWatchStartsOneWatchPerStdinLine() throws Exception {
    CliRun watch = new CliRun(env, "watch cli/wi/a\nbogus line\nwatch cli/wi/p --prefix\n");
    Thread t = new Thread(() -> watch.execute("watch", "-i"));
    t.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.err().contains("Invalid command bogus"));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      client.blocking().put("cli/wi/p/probe", "x");
      return watch.out().contains("cli/wi/p/probe");
    });
    client.blocking().put("cli/wi/a", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.out().contains("PUT\ncli/wi/a\n1\n"));
    t.interrupt();
    t.join(10_000);
    assertThat(watch.exitCode).isZero();
  }

  @Test
  void electCampaignsAndObserverSeesTheLeader() throws Exception {
    CliRun observer = new CliRun(env, "");
    Thread obs = new Thread(() -> observer.execute("elect", "-l", "cli-elect"));
    obs.start();
    CliRun candidate = new CliRun(env, "");
    Thread cand = new Thread(() -> candidate.execute("elect", "--ttl", "5", "cli-elect", "proposal-1"));
    cand.start();
    await().atMost(Duration.ofSeconds(15)).until(() -> candidate.out().endsWith("\nproposal-1\n"));
    assertThat(candidate.out()).matches("cli-elect/[0-9a-f]+\nproposal-1\n");
    await().atMost(Duration.ofSeconds(15)).until(() -> observer.out().contains("proposal-1"));
    assertThat(observer.out()).isEqualTo(candidate.out());
    cand.interrupt();
    cand.join(10_000);
    assertThat(candidate.exitCode).isZero();
    // Interrupted, the candidate resigned: no leader is left.
    assertThat(client.blocking().get(io.raftkv.client.ByteSequence.of("cli-elect/"),
        io.raftkv.client.GetOptions.builder().prefix().countOnly().build()).count()).isZero();
    obs.interrupt();
    obs.join(10_000);
    assertThat(observer.exitCode).isZero();
  }

  @Test
  void checkPerfReportsItsVerdictAndCleansUp() {
    CliRun perf = cli("check", "perf", "--load", "s", "--duration", "2s", "--prefix", "/cli-perf/");
    assertThat(perf.out()).as(perf.toString()).containsPattern("(PASS|FAIL): Throughput");
    assertThat(perf.out()).containsPattern("(PASS|FAIL): Slowest request took");
    assertThat(perf.err()).contains("check perf [", "300 / 300");
    String verdict = perf.out().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(perf.exitCode).isEqualTo(verdict.equals("PASS") ? ExitCode.SUCCESS : ExitCode.ERROR);
    assertThat(cli("get", "/cli-perf/", "--prefix", "--count-only").out()).isEqualTo("0\n");
  }

  @Test
  void completionScriptIsGeneratedByPicocli() {
    CliRun r = cli("completion");
    assertThat(r.exitCode).isZero();
    assertThat(r.out()).contains("complete -F", "raftkv", "move-leader", "keep-alive");
  }
}
