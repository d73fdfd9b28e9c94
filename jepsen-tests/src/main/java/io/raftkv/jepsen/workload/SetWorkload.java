package io.raftkv.jepsen.workload;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.SetChecker;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.OpType;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds unique integers to a few sets; each element is its own key {@code s<i>/<element>}, so
 * an add is a plain put and a read is a prefix range.
 */
public final class SetWorkload implements Workload {
  static final int SETS = 2;
  private static final JsonNodeFactory N = JsonNodeFactory.instance;
  private final AtomicLong nextElement = new AtomicLong();

  @Override
  public String name() {
    return "set";
  }

  @Override
  public OpType step(KvClient client, int process, Random random, HistoryRecorder recorder,
      Duration timeout) {
    String set = "s" + random.nextInt(SETS);
    if (random.nextInt(5) == 0) {
      return Invocation.record(recorder, process, "read", set, NullNode.getInstance(), true,
          () -> new Outcome.Ok(read(client, set, timeout)));
    }
    long element = nextElement.getAndIncrement();
    return Invocation.record(recorder, process, "add", set, N.numberNode(element), false, () -> {
      client.put(set + "/" + element, Long.toString(element), 0, timeout);
      return Outcome.ok();
    });
  }

  private static ArrayNode read(KvClient client, String set, Duration timeout) {
    ArrayNode array = N.arrayNode();
    client.range(set + "/", timeout).forEach(kv -> array.add(Long.parseLong(kv.value())));
    return array;
  }

  @Override
  public void finalPhase(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder) {
    int process = 10_000;
    for (KvClient client : clients) {
      for (int i = 0; i < SETS; i++) {
        String set = "s" + i;
        Invocation.record(recorder, process, "final-read", set, NullNode.getInstance(), true,
            () -> new Outcome.Ok(read(client, set, Duration.ofSeconds(10))));
      }
      process++;
    }
  }

  @Override
  public List<CheckResult> check(History history) {
    return List.of(SetChecker.set().check(history));
  }
}
