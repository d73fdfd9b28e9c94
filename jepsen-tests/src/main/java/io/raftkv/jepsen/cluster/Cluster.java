package io.raftkv.jepsen.cluster;

import com.github.dockerjava.api.model.Capability;
import io.raftkv.jepsen.client.JetcdClient;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.client.KvClient.NodeStatus;
import io.raftkv.jepsen.sut.NodeImage;
import io.raftkv.jepsen.sut.SystemUnderTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A cluster of 3 or 5 nodes of the system under test, each in its own container on a private
 * Docker network, named n1..nN. Containers carry the label {@code raftkv.jepsen} so leftovers
 * can be removed ({@code docker rm -f $(docker ps -aq --filter label=raftkv.jepsen)}).
 */
public final class Cluster implements AutoCloseable {
  public static final String LABEL = "raftkv.jepsen";
  private final Network network;
  private final List<Node> nodes;
  private final SystemUnderTest sut;
  private volatile String lastHealthError = "";

  private Cluster(Network network, List<Node> nodes, SystemUnderTest sut) {
    this.network = network;
    this.nodes = List.copyOf(nodes);
    this.sut = sut;
  }

  /** Builds the image if needed and starts every node; returns once all containers run. */
  public static Cluster start(SystemUnderTest sut, int size) {
    String image = NodeImage.tagFor(sut);
    Network network = Network.builder()
        .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(LABEL, "true"))).build();
    List<String> names = IntStream.rangeClosed(1, size).mapToObj(i -> "n" + i).toList();
    List<GenericContainer<?>> containers = new ArrayList<>();
    for (String name : names) {
      GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
          .withNetwork(network)
          .withNetworkAliases(name)
          .withExposedPorts(SystemUnderTest.CLIENT_PORT)
          .withEnv(sut.environment())
          .withLabel(LABEL, "true")
          .withCommand(sut.command(name, names).toArray(String[]::new))
          .withCreateContainerCmdModifier(cmd -> cmd.withHostName(name)
              .getHostConfig().withCapAdd(Capability.NET_ADMIN))
          // Readiness is judged through the etcd API by awaitHealthy, not by Testcontainers.
          .waitingFor(new AbstractWaitStrategy() {
            @Override
            protected void waitUntilReady() {}
          });
      containers.add(c);
    }
    Startables.deepStart(containers).join();
    String networkName = containers.get(0).getContainerInfo().getNetworkSettings()
        .getNetworks().keySet().iterator().next();
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      nodes.add(new Node(names.get(i), containers.get(i), networkName));
    }
    return new Cluster(network, nodes, sut);
  }

  public List<Node> nodes() {
    return nodes;
  }

  public SystemUnderTest sut() {
    return sut;
  }

  public Node node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  public KvClient client(Node node) {
    return new JetcdClient(node.name(), node.clientEndpoint());
  }

  /** A majority of the cluster's size. */
  public int majority() {
    return nodes.size() / 2 + 1;
  }

  /**
   * Waits until every node answers a linearizable read, within {@code within}. Returns the
   * nodes that never answered (empty: healthy).
   */
  public List<Node> awaitHealthy(Duration within) {
    lastHealthError = "";
    long deadline = System.nanoTime() + within.toNanos();
    List<Node> pending = new ArrayList<>(nodes);
    Map<Node, KvClient> clients = new HashMap<>();
    try {
      while (!pending.isEmpty() && System.nanoTime() < deadline) {
        pending.removeIf(n -> {
          try {
            clients.computeIfAbsent(n, this::client)
                .get("jepsen-health", false, Duration.ofSeconds(2));
            return true;
          } catch (RuntimeException e) {
            lastHealthError = n.name() + ": " + e.getMessage();
            return false;
          }
        });
        if (!pending.isEmpty()) {
          pause(Duration.ofMillis(200));
        }
      }
    } finally {
      clients.values().forEach(KvClient::close);
    }
    return pending;
  }

  /** Why the last health probe failed (for error messages). */
  public String lastHealthError() {
    return lastHealthError;
  }

  /** The node the majority of reachable nodes name as leader, if any. */
  public Optional<Node> leader() {
    Map<Long, Node> byMemberId = new HashMap<>();
    Map<Long, Integer> votes = new HashMap<>();
    for (Node n : nodes) {
      try (KvClient c = client(n)) {
        NodeStatus s = c.status(Duration.ofSeconds(1));
        byMemberId.put(s.memberId(), n);
        if (s.leaderId() != 0) {
          votes.merge(s.leaderId(), 1, Integer::sum);
        }
      } catch (RuntimeException e) {
        // an unreachable node has no say
      }
    }
    return votes.entrySet().stream().max(Map.Entry.comparingByValue())
        .map(e -> byMemberId.get(e.getKey()));
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      try {
        n.container().stop();
      } catch (RuntimeException e) {
        // keep stopping the others
      }
    }
    network.close();
  }
}
