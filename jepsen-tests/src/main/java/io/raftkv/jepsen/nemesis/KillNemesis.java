package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import java.util.List;
import java.util.Random;

/**
 * kill -9 of the node process (one node, the leader, a majority, or all) through the
 * supervisor, which keeps it down until healed and then restarts it on its existing data
 * directory.
 *
 * <p>As a crash ({@link #crash}) the nodes run losing un-fsynced writes on a kill, so the same
 * kill becomes a power loss: everything after the node's last fsync is gone when it restarts.
 */
public final class KillNemesis implements Nemesis {
  private final Target target;
  private final boolean powerLoss;

  public KillNemesis(Target target) {
    this(target, false);
  }

  private KillNemesis(Target target, boolean powerLoss) {
    this.target = target;
    this.powerLoss = powerLoss;
  }

  /** A crash with loss of un-fsynced data. */
  public static KillNemesis crash(Target target) {
    return new KillNemesis(target, true);
  }

  @Override
  public String name() {
    return (powerLoss ? "crash-" : "kill-") + target.name().toLowerCase();
  }

  @Override
  public String inject(Cluster cluster, Random random) {
    List<Node> victims = target.pick(cluster, random);
    victims.forEach(n -> n.ctl("kill"));
    return (powerLoss ? "crash (un-fsynced writes lost) of " : "kill -9 ") + victims;
  }

  @Override
  public void heal(Cluster cluster) {
    cluster.nodes().forEach(n -> n.ctl("start"));
  }

  @Override
  public boolean needsUnsyncedWritesLostOnCrash() {
    return powerLoss;
  }
}
