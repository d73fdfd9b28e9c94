package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Which nodes a process fault hits. */
public enum Target {
  ONE, LEADER, MAJORITY, ALL;

  /** Picks the nodes; LEADER falls back to a random node when no leader is known. */
  public List<Node> pick(Cluster cluster, Random random) {
    List<Node> shuffled = new ArrayList<>(cluster.nodes());
    Collections.shuffle(shuffled, random);
    return switch (this) {
      case ONE -> List.of(shuffled.get(0));
      case LEADER -> List.of(cluster.leader().orElse(shuffled.get(0)));
      case MAJORITY -> List.copyOf(shuffled.subList(0, cluster.majority()));
      case ALL -> List.copyOf(shuffled);
    };
  }
}
