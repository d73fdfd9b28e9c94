package io.raftkv.jepsen.sut;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RaftKV node: a jlink'd JRE and the server module's distribution (a directory with
 * {@code bin/raftkv-server} and {@code lib/*.jar}), located by {@code -Djepsen.raftkv.dist}.
 *
 * <p>Seeded bugs: {@code -Djepsen.raftkv.bug=stale-reads|unsynced-log} passes
 * {@code RAFTKV_TEST_BUG} to every node, a test-only switch in the server that must make it
 * break a guarantee (serve linearizable reads locally without ReadIndex; acknowledge Raft log
 * appends without fsyncing them) so the harness can prove it catches it.
 */
public final class RaftKv implements SystemUnderTest {
  private final Path distribution;
  private final Optional<String> seededBug;
  private final boolean loseUnsyncedOnCrash;

  public RaftKv(Path distribution, Optional<String> seededBug) {
    this(distribution, seededBug, false);
  }

  private RaftKv(Path distribution, Optional<String> seededBug, boolean loseUnsyncedOnCrash) {
    this.distribution = distribution;
    this.seededBug = seededBug;
    this.loseUnsyncedOnCrash = loseUnsyncedOnCrash;
  }

  static RaftKv fromSystemProperties() {
    Path root = Path.of(System.getProperty("jepsen.repoRoot", "."));
    Path dist = Path.of(System.getProperty("jepsen.raftkv.dist",
        root.resolve("server/target/raftkv-server-dist").toString()));
    return new RaftKv(dist.toAbsolutePath(),
        Optional.ofNullable(System.getProperty("jepsen.raftkv.bug")).filter(s -> !s.isBlank()));
  }

  public RaftKv withSeededBug(String bug) {
    return new RaftKv(distribution, Optional.of(bug), loseUnsyncedOnCrash);
  }

  /**
   * Nodes run with the server's test-only {@code RAFTKV_TEST_CRASH=lose-unsynced}: every write
   * the node does not fsync stays in its memory (RocksDB without WAL for those writes, atomic
   * flushes), so kill -9 loses exactly what a power loss after the last fsync may lose.
   */
  @Override
  public RaftKv losingUnsyncedWritesOnCrash() {
    return new RaftKv(distribution, seededBug, true);
  }

  @Override
  public String name() {
    return "raftkv";
  }

  /** RaftKV serves HTTP beside gRPC, by default on the client port + 10000. */
  @Override
  public int httpPort() {
    return CLIENT_PORT + 10000;
  }

  @Override
  public List<String> imageArguments() {
    return List.of("--dist", distribution.toString());
  }

  @Override
  public List<String> command(String node, List<String> members, boolean joining) {
    List<String> command = new ArrayList<>();
    command.add("/opt/raftkv/bin/raftkv-server");
    command.addAll(SystemUnderTest.etcdFlags(node, members, joining));
    return command;
  }

  @Override
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", "/opt/jre");
    env.put("PATH", "/opt/jre/bin:/bin:/sbin:/usr/bin:/usr/sbin");
    // Small heap, serial GC: five nodes share the machine. (RocksDB's native library comes from
    // the distribution's lib/native, which the launcher puts on java.library.path.)
    env.put("RAFTKV_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC");
    seededBug.ifPresent(bug -> env.put("RAFTKV_TEST_BUG", bug));
    if (loseUnsyncedOnCrash) {
      env.put("RAFTKV_TEST_CRASH", "lose-unsynced");
    }
    return env;
  }
}
