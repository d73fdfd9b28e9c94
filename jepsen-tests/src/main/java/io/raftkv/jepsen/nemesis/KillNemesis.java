package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import java.util.List;
import java.util.Random;

/**
 * kill -9 of the node process (one node, the leader, or a majority) through the supervisor,
 * which keeps it down until healed and then restarts it on its existing data directory.
 */
public final class KillNemesis implements Nemesis {
  private final Target target;

  public KillNemesis(Target target) {
    this.target = target;
  }

  @Override
  public String name() {
    return "kill-" + target.name().toLowerCase();
  }

  @Override
  public String inject(Cluster cluster, Random random) {
    List<Node> victims = target.pick(cluster, random);
    victims.forEach(n -> n.ctl("kill"));
    return "kill -9 " + victims;
  }

  @Override
  public void heal(Cluster cluster) {
    cluster.nodes().forEach(n -> n.ctl("start"));
  }
}
