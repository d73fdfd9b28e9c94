package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Network partitions with iptables inside the nodes: each node DROPs packets from, and to,
 * the peers it must not reach. Client traffic (from the Docker host) is untouched, so a
 * minority node still answers clients, which is exactly what exposes stale reads.
 */
public final class PartitionNemesis implements Nemesis {

  /** The partition's shape. */
  public enum Shape {
    /** One random node cut off from all others. */
    ISOLATE_ONE,
    /** The current leader cut off from all others. */
    ISOLATE_LEADER,
    /** Random halves: a minority and a majority. */
    HALVES,
    /** Each node sees only its ring neighbours: overlapping majorities (meaningful at 5). */
    RING,
    /** Two halves joined by one bridge node that sees both (meaningful at 3 and 5). */
    BRIDGE
  }

  private final Shape shape;

  public PartitionNemesis(Shape shape) {
    this.shape = shape;
  }

  @Override
  public String name() {
    return "partition-" + shape.name().toLowerCase().replace("isolate_", "").replace('_', '-');
  }

  @Override
  public String inject(Cluster cluster, Random random) {
    Map<Node, Set<Node>> cut = grudge(cluster, random);
    for (Map.Entry<Node, Set<Node>> e : cut.entrySet()) {
      for (Node peer : e.getValue()) {
        e.getKey().exec("iptables", "-A", "INPUT", "-s", peer.ip(), "-j", "DROP");
        e.getKey().exec("iptables", "-A", "OUTPUT", "-d", peer.ip(), "-j", "DROP");
      }
    }
    return describe(cut);
  }

  /** For each node, the peers it must not reach (symmetric). */
  Map<Node, Set<Node>> grudge(Cluster cluster, Random random) {
    List<Node> nodes = new ArrayList<>(cluster.nodes());
    Collections.shuffle(nodes, random);
    Node leader = shape == Shape.ISOLATE_LEADER ? cluster.leader().orElse(nodes.get(0))
        : nodes.get(0);
    return cuts(shape, nodes, leader);
  }

  /**
   * The links to cut for a shape, given the nodes in a (random) order and, for
   * ISOLATE_LEADER, the leader. Pure, so each shape is unit-tested.
   */
  static <T> Map<T, Set<T>> cuts(Shape shape, List<T> nodes, T leader) {
    int n = nodes.size();
    Map<T, Set<T>> cut = new HashMap<>();
    nodes.forEach(node -> cut.put(node, new HashSet<>()));
    switch (shape) {
      case ISOLATE_ONE, ISOLATE_LEADER -> {
        T lonely = shape == Shape.ISOLATE_ONE ? nodes.get(0) : leader;
        for (T other : nodes) {
          if (!other.equals(lonely)) {
            cutBoth(cut, lonely, other);
          }
        }
      }
      case HALVES -> {
        for (T a : nodes.subList(0, n / 2)) {
          for (T b : nodes.subList(n / 2, n)) {
            cutBoth(cut, a, b);
          }
        }
      }
      case RING -> {
        // Node i keeps links to the neighbours within `reach` on the ring: enough that it
        // sees a majority counting itself (5 nodes: itself and 2 others), each a different one.
        int reach = Math.max(1, (n / 2 + 1) / 2);
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            int distance = Math.min(j - i, n - (j - i));
            if (distance > reach) {
              cutBoth(cut, nodes.get(i), nodes.get(j));
            }
          }
        }
      }
      case BRIDGE -> {
        // nodes.get(0) is the bridge: it keeps every link.
        List<T> rest = nodes.subList(1, n);
        for (T a : rest.subList(0, rest.size() / 2)) {
          for (T b : rest.subList(rest.size() / 2, rest.size())) {
            cutBoth(cut, a, b);
          }
        }
      }
      default -> throw new IllegalStateException(shape.toString());
    }
    return cut;
  }

  private static <T> void cutBoth(Map<T, Set<T>> cut, T a, T b) {
    cut.get(a).add(b);
    cut.get(b).add(a);
  }

  private static String describe(Map<Node, Set<Node>> cut) {
    StringBuilder s = new StringBuilder();
    cut.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .sorted(Map.Entry.comparingByKey((a, b) -> a.name().compareTo(b.name())))
        .forEach(e -> s.append(s.length() == 0 ? "" : "; ").append(e.getKey().name())
            .append(" -/- ").append(e.getValue().stream().map(Node::name).sorted().toList()));
    return s.length() == 0 ? "no link cut at this cluster size" : s.toString();
  }

  @Override
  public void heal(Cluster cluster) {
    NetworkRules.flush(cluster);
  }
}
