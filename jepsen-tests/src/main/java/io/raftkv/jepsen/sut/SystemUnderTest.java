package io.raftkv.jepsen.sut;

import java.util.List;
import java.util.Map;

/**
 * What runs inside each node container: an etcd v3 compatible server started with etcd's
 * flags. The harness only ever talks to it over the etcd v3 API, so real etcd (to prove the
 * harness) and RaftKV (what we test) are interchangeable.
 */
public interface SystemUnderTest {
  int CLIENT_PORT = 2379;
  int PEER_PORT = 2380;

  /** {@code etcd} or {@code raftkv}. */
  String name();

  /** Where the node answers plain HTTP ({@code /version}, {@code /health}). */
  default int httpPort() {
    return CLIENT_PORT; // etcd multiplexes HTTP on its client port
  }

  /** Arguments for {@code scripts/build-node-image} (after {@code --sut NAME}). */
  List<String> imageArguments();

  /**
   * The node's command line, given the names (network aliases) of the cluster's members it
   * starts with. {@code joining}: the node joins a running cluster that has added it
   * ({@code --initial-cluster-state existing}) instead of forming a new one.
   */
  List<String> command(String node, List<String> members, boolean joining);

  /** The command of a node of a new cluster. */
  default List<String> command(String node, List<String> allNodes) {
    return command(node, allNodes, false);
  }

  /**
   * The same system with every node losing what it has not fsynced when it is killed, as in a
   * power loss (for the crash nemeses).
   */
  default SystemUnderTest losingUnsyncedWritesOnCrash() {
    throw new IllegalArgumentException(name() + " has no switch that makes a kill lose un-fsynced"
        + " writes; the crash nemeses need --sut raftkv");
  }

  /** The URL other members reach a node's peer port at. */
  static String peerUrl(String node) {
    return "http://" + node + ":" + PEER_PORT;
  }

  /** Extra environment for the node process. */
  Map<String, String> environment();

  /** The system named by {@code -Djepsen.sut}: RaftKV unless told otherwise. */
  static String nameFromSystemProperties() {
    return System.getProperty("jepsen.sut", "raftkv");
  }

  /** The system named by {@code -Djepsen.sut} (default {@code raftkv}). */
  static SystemUnderTest fromSystemProperties() {
    return named(nameFromSystemProperties());
  }

  static SystemUnderTest named(String name) {
    return switch (name) {
      case "etcd" -> new Etcd();
      case "raftkv" -> RaftKv.fromSystemProperties();
      default -> throw new IllegalArgumentException("unknown system under test '" + name
          + "': expected etcd or raftkv");
    };
  }

  /** The etcd-style flags both systems take. */
  static List<String> etcdFlags(String node, List<String> members, boolean joining) {
    StringBuilder cluster = new StringBuilder();
    for (String n : members) {
      cluster.append(cluster.length() == 0 ? "" : ",").append(n).append('=').append(peerUrl(n));
    }
    return List.of(
        "--name", node,
        "--data-dir", "/data/" + node,
        "--listen-client-urls", "http://0.0.0.0:" + CLIENT_PORT,
        "--advertise-client-urls", "http://" + node + ":" + CLIENT_PORT,
        "--listen-peer-urls", "http://0.0.0.0:" + PEER_PORT,
        "--initial-advertise-peer-urls", "http://" + node + ":" + PEER_PORT,
        "--initial-cluster", cluster.toString(),
        "--initial-cluster-state", joining ? "existing" : "new");
  }
}
