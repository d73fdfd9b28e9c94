package io.raftkv.client.testing;

import java.util.List;

/**
 * A running cluster the SDK and CLI tests talk to: real etcd today ({@link EtcdCluster}), a
 * RaftKV cluster once the server exists (plug it in through {@link TestClusterFactory}).
 * Members are numbered from 0.
 */
public interface TestCluster extends AutoCloseable {
  /** Client endpoints ({@code host:port}) of every member, live or not, in member order. */
  List<String> endpoints();

  default String endpoint(int member) {
    return endpoints().get(member);
  }

  default int size() {
    return endpoints().size();
  }

  /** Kills the member's process abruptly (SIGKILL); its data stays. */
  void kill(int member);

  /** Starts a killed member again on its old data and ports, and waits until it serves. */
  void restart(int member);

  boolean isRunning(int member);

  /** Waits until every running member reports healthy (has a leader and can commit). */
  void awaitHealthy();

  @Override
  void close();
}
