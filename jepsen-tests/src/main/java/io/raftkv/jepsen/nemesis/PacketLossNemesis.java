package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import java.util.Random;

/**
 * Random packet loss between nodes: every node drops each packet from each peer with one
 * probability ({@code iptables -m statistic --mode random}). The kernel here has no netem,
 * so there is no delay or reordering, only loss.
 */
public final class PacketLossNemesis implements Nemesis {

  @Override
  public String name() {
    return "loss";
  }

  @Override
  public String inject(Cluster cluster, Random random) {
    double probability = 0.2 + 0.4 * random.nextDouble();
    String p = String.format("%.2f", probability);
    for (Node n : cluster.nodes()) {
      for (Node peer : cluster.nodes()) {
        if (peer != n) {
          n.exec("iptables", "-A", "INPUT", "-s", peer.ip(), "-m", "statistic", "--mode",
              "random", "--probability", p, "-j", "DROP");
        }
      }
    }
    return "drop " + p + " of packets between all nodes";
  }

  @Override
  public void heal(Cluster cluster) {
    NetworkRules.flush(cluster);
  }
}
