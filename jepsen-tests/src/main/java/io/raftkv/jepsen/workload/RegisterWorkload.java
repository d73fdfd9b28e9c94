package io.raftkv.jepsen.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.LinearizabilityChecker;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.OpType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Read / write / compare-and-set on a few registers, checked per key for linearizability.
 * Values are small integers so CAS often succeeds. To keep each key's search small, a key is
 * retired after {@value #OPS_PER_KEY} ops and fresh keys take over ({@code r<generation>-<i>}).
 *
 * <p>With {@code serializableReads} reads use {@code serializable=true} (a node's local state,
 * no quorum): that is not linearizable, and a partitioned minority node proves it. It is how
 * the harness shows it can catch a real violation in etcd.
 */
public final class RegisterWorkload implements Workload {
  static final int OPS_PER_KEY = 300;
  static final int ACTIVE_KEYS = 3;
  private static final JsonNodeFactory N = JsonNodeFactory.instance;
  private final boolean serializableReads;
  private final AtomicLong opCounter = new AtomicLong();

  public RegisterWorkload(boolean serializableReads) {
    this.serializableReads = serializableReads;
  }

  @Override
  public String name() {
    return serializableReads ? "register-serializable" : "register";
  }

  @Override
  public OpType step(KvClient client, int process, Random random, HistoryRecorder recorder,
      Duration timeout) {
    long generation = opCounter.getAndIncrement() / ((long) OPS_PER_KEY * ACTIVE_KEYS);
    String key = "r" + generation + "-" + random.nextInt(ACTIVE_KEYS);
    int kind = random.nextInt(3);
    if (kind == 0) {
      return Invocation.record(recorder, process, "read", key, NullNode.getInstance(), true,
          () -> new Outcome.Ok(registerValue(client.get(key, serializableReads, timeout))));
    }
    long value = random.nextInt(5);
    if (kind == 1) {
      return Invocation.record(recorder, process, "write", key, N.numberNode(value), false,
          () -> {
            client.put(key, Long.toString(value), 0, timeout);
            return Outcome.ok();
          });
    }
    long expected = random.nextInt(5);
    return Invocation.record(recorder, process, "cas", key,
        N.arrayNode().add(expected).add(value), false,
        () -> client.compareAndSet(key, Optional.of(Long.toString(expected)),
            Long.toString(value), timeout) ? Outcome.ok() : new Outcome.Fail("compare failed"));
  }

  @Override
  public void finalPhase(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder) {
    // Final linearizable reads of the last generation's keys from every node.
    long generation = Math.max(0, opCounter.get() - 1) / ((long) OPS_PER_KEY * ACTIVE_KEYS);
    int process = 10_000;
    for (KvClient client : clients) {
      for (int i = 0; i < ACTIVE_KEYS; i++) {
        String key = "r" + generation + "-" + i;
        Invocation.record(recorder, process, "read", key, NullNode.getInstance(), true,
            () -> new Outcome.Ok(registerValue(client.get(key, false, Duration.ofSeconds(5)))));
      }
      process++;
    }
  }

  /** An absent key reads as nil (JSON null), a present one as its integer value. */
  private static JsonNode registerValue(Optional<KvClient.Versioned> value) {
    return value.<JsonNode>map(v -> N.numberNode(Long.parseLong(v.value())))
        .orElse(NullNode.getInstance());
  }

  @Override
  public List<CheckResult> check(History history) {
    return List.of(LinearizabilityChecker.register().check(history,
        op -> Set.of("read", "write", "cas").contains(op.f())));
  }
}
