package io.raftkv.client.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real RaftKV cluster of child processes, each launched from the server's distribution
 * ({@code server/target/raftkv-server-dist/bin/raftkv-server}) exactly as an operator would, on
 * 127.0.0.1 with free ports and its own data directory. The client module never links a server
 * class: the server is only an external program here. Selected with
 * {@code -Draftkv.test.cluster=raftkv}; the repository root comes from {@code -Draftkv.repoRoot}
 * (client/pom.xml sets it). Same Raft timings as {@link EtcdCluster}: 50 ms heartbeat, 500 ms
 * election.
 */
public final class RaftKvCluster implements TestCluster {
  public static final String REPO_ROOT_PROPERTY = "raftkv.repoRoot";
  static final Path LAUNCHER = Path.of("server", "target", "raftkv-server-dist", "bin", "raftkv-server");
  /** A JVM per member on a 2-core machine: small heap, serial GC, C1 only to start fast. */
  private static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path launcher;
  private final Path dir;
  private final String token;
  private final List<Integer> clientPorts = new ArrayList<>();
  private final List<Integer> peerPorts = new ArrayList<>();
  private final List<Integer> metricsPorts = new ArrayList<>();
  private final Process[] processes;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public static final class Factory implements TestClusterFactory {
    @Override
    public String kind() {
      return "raftkv";
    }

    @Override
    public TestCluster start(int members, Path workDir) throws IOException {
      return RaftKvCluster.start(members, workDir);
    }
  }

  private RaftKvCluster(Path launcher, int members, Path dir) {
    this.launcher = launcher;
    this.dir = dir;
    this.token = "raftkv-test-" + dir.getFileName();
    this.processes = new Process[members];
  }

  public static RaftKvCluster start(int members, Path workDir) throws IOException {
    RaftKvCluster c = new RaftKvCluster(findLauncher(), members, workDir);
    List<ServerSocket> holders = new ArrayList<>();
    try {
      // Hold every port until all are chosen so that no two members get the same one.
      for (int i = 0; i < 3 * members; i++) {
        holders.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      for (int i = 0; i < members; i++) {
        c.clientPorts.add(holders.get(3 * i).getLocalPort());
        c.peerPorts.add(holders.get(3 * i + 1).getLocalPort());
        c.metricsPorts.add(holders.get(3 * i + 2).getLocalPort());
      }
    } finally {
      for (ServerSocket s : holders) {
        s.close();
      }
    }
    try {
      for (int i = 0; i < members; i++) {
        c.launch(i, "new");
      }
      c.awaitHealthy();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The server's launcher in the repository's build output, or a clear failure saying how to build it. */
  static Path findLauncher() {
    String root = System.getProperty(REPO_ROOT_PROPERTY);
    if (root == null) {
      throw new IllegalStateException("-D" + REPO_ROOT_PROPERTY + " is not set: run the tests through Maven "
          + "(client/pom.xml passes the repository root to surefire)");
    }
    Path launcher = Path.of(root).resolve(LAUNCHER).toAbsolutePath().normalize();
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException("the RaftKV server distribution is missing: " + launcher
          + " does not exist; build it first with `mvn -pl server -am package -DskipTests`");
    }
    return launcher;
  }

  private String name(int i) {
    return "m" + i;
  }

  private Path dataDir(int i) {
    return dir.resolve(name(i));
  }

  private Path logFile(int i) {
    return dir.resolve(name(i) + ".log");
  }

  private void launch(int i, String clusterState) {
    String initialCluster = IntStream.range(0, processes.length)
        .mapToObj(m -> name(m) + "=http://127.0.0.1:" + peerPorts.get(m))
        .collect(Collectors.joining(","));
    String client = "http://127.0.0.1:" + clientPorts.get(i);
    String peer = "http://127.0.0.1:" + peerPorts.get(i);
    List<String> cmd = List.of(launcher.toString(),
        "--name", name(i),
        "--data-dir", dataDir(i).toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", initialCluster, "--initial-cluster-state", clusterState,
        "--initial-cluster-token", token,
        "--listen-metrics-urls", "http://127.0.0.1:" + metricsPorts.get(i),
        "--heartbeat-interval", "50", "--election-timeout", "500",
        "--experimental-watch-progress-notify-interval", "1s");
    try {
      Files.createDirectories(dir);
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(i).toFile()));
      pb.environment().put("RAFTKV_JAVA_OPTS", JAVA_OPTS);
      // The launcher picks $JAVA_HOME/bin/java: run the server on the JDK running the tests.
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      processes[i] = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + launcher, e);
    }
  }

  @Override
  public List<String> endpoints() {
    return clientPorts.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  /** SIGKILL; the launcher execs java, so the child is the server's JVM itself. */
  @Override
  public synchronized void kill(int member) {
    Process p = processes[member];
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("RaftKV member " + member + " survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Restarts on the old data directory and ports, as a member of the existing cluster. */
  @Override
  public synchronized void restart(int member) {
    if (isRunning(member)) {
      throw new IllegalStateException("member " + member + " is running");
    }
    launch(member, "existing");
    awaitHealthy();
  }

  @Override
  public synchronized boolean isRunning(int member) {
    return processes[member] != null && processes[member].isAlive();
  }

  /** Waits until every running member's /health says {"health":"true"} (it knows a leader). */
  @Override
  public void awaitHealthy() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (int i = 0; i < processes.length; i++) {
      Process p;
      synchronized (this) {
        p = processes[i];
      }
      if (p == null) {
        continue;
      }
      int member = i;
      MemberHealth.await("RaftKV member " + i, p, () -> healthy(member),
          Duration.ofNanos(deadline - System.nanoTime()), () -> "see " + logFile(member) + "\n" + tail(member));
    }
  }

  private boolean healthy(int i) {
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPorts.get(i) + "/health"))
              .timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String tail(int i) {
    try {
      List<String> lines = Files.readAllLines(logFile(i));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public synchronized void close() {
    for (Process p : processes) {
      if (p != null) {
        p.destroy();
      }
    }
    for (Process p : processes) {
      if (p == null) {
        continue;
      }
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
