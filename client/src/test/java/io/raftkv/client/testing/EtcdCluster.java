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
 * A real etcd cluster of child processes on 127.0.0.1 with free ports and its own data
 * directory. Fast Raft timings (50 ms heartbeat, 500 ms election) keep failover tests short.
 * Needs the {@code etcd} binary on PATH (Debian: etcd-server; scripts/test installs it).
 */
public final class EtcdCluster implements TestCluster {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final List<Integer> clientPorts = new ArrayList<>();
  private final List<Integer> peerPorts = new ArrayList<>();
  private final Process[] processes;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public static final class Factory implements TestClusterFactory {
    @Override
    public String kind() {
      return "etcd";
    }

    @Override
    public TestCluster start(int members, Path workDir) throws IOException {
      return EtcdCluster.start(members, workDir);
    }
  }

  private EtcdCluster(int members, Path dir) {
    this.dir = dir;
    this.processes = new Process[members];
  }

  public static EtcdCluster start(int members, Path workDir) throws IOException {
    String etcd = findEtcd();
    EtcdCluster c = new EtcdCluster(members, workDir);
    List<ServerSocket> holders = new ArrayList<>();
    try {
      // Hold every port until all are chosen so that no two members get the same one.
      for (int i = 0; i < 2 * members; i++) {
        holders.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      for (int i = 0; i < members; i++) {
        c.clientPorts.add(holders.get(2 * i).getLocalPort());
        c.peerPorts.add(holders.get(2 * i + 1).getLocalPort());
      }
    } finally {
      for (ServerSocket s : holders) {
        s.close();
      }
    }
    try {
      for (int i = 0; i < members; i++) {
        c.launch(etcd, i);
      }
      c.awaitHealthy();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The etcd binary on PATH, for tests that run their own special etcd (TLS). */
  public static String etcdBinary() {
    return findEtcd();
  }

  static String findEtcd() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(p, "etcd");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException("the tests need etcd on PATH (Debian: apt-get install -y etcd-server "
        + "etcd-client, or run scripts/test, which installs it)");
  }

  private String name(int i) {
    return "m" + i;
  }

  private void launch(String etcd, int i) {
    String initialCluster = IntStream.range(0, processes.length)
        .mapToObj(m -> name(m) + "=http://127.0.0.1:" + peerPorts.get(m))
        .collect(Collectors.joining(","));
    String client = "http://127.0.0.1:" + clientPorts.get(i);
    String peer = "http://127.0.0.1:" + peerPorts.get(i);
    List<String> cmd = List.of(etcd,
        "--name", name(i),
        "--data-dir", dir.resolve(name(i)).toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
        "--initial-cluster-token", "raftkv-test-" + dir.getFileName(),
        "--heartbeat-interval", "50", "--election-timeout", "500",
        "--experimental-watch-progress-notify-interval", "1s",
        "--logger", "zap", "--log-level", "warn");
    try {
      Files.createDirectories(dir);
      processes[i] = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name(i) + ".log").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + etcd, e);
    }
  }

  @Override
  public List<String> endpoints() {
    return clientPorts.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  @Override
  public synchronized void kill(int member) {
    Process p = processes[member];
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroyForcibly();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("etcd member " + member + " survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void restart(int member) {
    if (isRunning(member)) {
      throw new IllegalStateException("member " + member + " is running");
    }
    launch(findEtcd(), member);
    awaitHealthy();
  }

  @Override
  public synchronized boolean isRunning(int member) {
    return processes[member] != null && processes[member].isAlive();
  }

  @Override
  public void awaitHealthy() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (int i = 0; i < processes.length; i++) {
      if (processes[i] == null) {
        continue;
      }
      int member = i;
      MemberHealth.await("etcd member " + i, processes[i], () -> healthy(member),
          Duration.ofNanos(deadline - System.nanoTime()), () -> "see " + dir.resolve(name(member) + ".log"));
    }
  }

  private boolean healthy(int i) {
    try {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPorts.get(i) + "/health"))
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
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
