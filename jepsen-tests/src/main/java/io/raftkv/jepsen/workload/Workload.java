package io.raftkv.jepsen.workload;

import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.history.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * A workload generates operations for client processes, performs its final reads once the
 * cluster is healed, and checks the history. Implementations are thread-safe: {@link #step}
 * runs concurrently on every client thread.
 */
public interface Workload {
  String name();

  /** Before the clients start (e.g. start watchers); clients: one per node. */
  default void setUp(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder) {}

  /** One operation by {@code process}; returns how it completed (INFO retires the process). */
  OpType step(KvClient client, int process, Random random, HistoryRecorder recorder,
      Duration timeout);

  /** After healing: final reads from every node (one client per node). */
  void finalPhase(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder);

  List<CheckResult> check(History history);

  /** The keys (or other groups) the report draws a timeline for, from the history. */
  default String timelineKey(Operation op) {
    return op.key();
  }

  /** Workloads by name: register, register-serializable, set, append, watch, lease. */
  static Workload named(String name) {
    return switch (name) {
      case "register" -> new RegisterWorkload(false);
      case "register-serializable" -> new RegisterWorkload(true);
      case "set" -> new SetWorkload();
      case "append" -> new AppendWorkload();
      case "watch" -> new WatchWorkload();
      case "lease" -> new LeaseWorkload();
      default -> throw new IllegalArgumentException("unknown workload '" + name
          + "': register, register-serializable, set, append, watch, lease");
    };
  }
}
