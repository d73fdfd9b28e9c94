package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;

/** Both network nemeses only ever append to INPUT/OUTPUT, so healing is a flush. */
final class NetworkRules {
  private NetworkRules() {}

  static void flush(Cluster cluster) {
    for (Node n : cluster.nodes()) {
      n.execAllowingFailure("iptables", "-F", "INPUT");
      n.execAllowingFailure("iptables", "-F", "OUTPUT");
    }
  }
}
