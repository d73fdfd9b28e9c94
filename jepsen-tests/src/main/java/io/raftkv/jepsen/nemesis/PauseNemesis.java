package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import java.util.List;
import java.util.Random;

/**
 * SIGSTOP / SIGCONT of the node process: a paused node keeps its sockets open and the kernel
 * still accepts connections, so clients see hangs, not refusals (hence per-call deadlines).
 */
public final class PauseNemesis implements Nemesis {
  private final Target target;

  public PauseNemesis(Target target) {
    this.target = target;
  }

  @Override
  public String name() {
    return "pause-" + target.name().toLowerCase();
  }

  @Override
  public String inject(Cluster cluster, Random random) {
    List<Node> victims = target.pick(cluster, random);
    victims.forEach(n -> n.ctl("pause"));
    return "SIGSTOP " + victims;
  }

  @Override
  public void heal(Cluster cluster) {
    cluster.nodes().forEach(n -> n.execAllowingFailure("/bin/sh", "/jepsen/ctl", "resume"));
  }
}
