package io.raftkv.jepsen.runner;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One run's parameters. {@code nemeses} is the comma-separated list given to
 * {@code --nemesis} (see {@link io.raftkv.jepsen.nemesis.Nemeses}).
 */
public record TestConfig(
    String testName,
    String workload,
    String nemeses,
    int nodes,
    Duration duration,
    long seed,
    int clientsPerNode,
    Duration opTimeout,
    Duration quietPeriod,
    Duration faultPeriod,
    Duration recoveryBound,
    Path outputRoot) {

  /** The defaults of the CI smoke runs: 3 nodes, 2 clients per node, 1 s op deadline. */
  public static TestConfig smoke(String testName, String workload, String nemeses,
      Duration duration, long seed) {
    return new TestConfig(testName, workload, nemeses, 3, duration, seed, 2,
        Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(30), Path.of("target", "jepsen"));
  }

  public TestConfig withNodes(int n) {
    return new TestConfig(testName, workload, nemeses, n, duration, seed, clientsPerNode,
        opTimeout, quietPeriod, faultPeriod, recoveryBound, outputRoot);
  }

  /** Quiet and fault periods (each jittered 0.5x to 1.5x by the schedule). */
  public TestConfig withPeriods(Duration quiet, Duration fault) {
    return new TestConfig(testName, workload, nemeses, nodes, duration, seed, clientsPerNode,
        opTimeout, quiet, fault, recoveryBound, outputRoot);
  }

  public TestConfig withOutputRoot(Path root) {
    return new TestConfig(testName, workload, nemeses, nodes, duration, seed, clientsPerNode,
        opTimeout, quietPeriod, faultPeriod, recoveryBound, root);
  }
}
