package io.raftkv.jepsen.workload;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.SetChecker;
import io.raftkv.jepsen.client.ClientException;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.OpType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends unique integers to a few keys, each key's value a comma-separated list. An append
 * reads the list, then writes list + element in a transaction guarded by the key's mod
 * revision (retrying a few times when another append won), so a lost update is impossible
 * unless the store breaks. Reads return the list.
 */
public final class AppendWorkload implements Workload {
  static final int KEYS = 4;
  private static final JsonNodeFactory N = JsonNodeFactory.instance;
  private final AtomicLong nextElement = new AtomicLong();

  @Override
  public String name() {
    return "append";
  }

  @Override
  public OpType step(KvClient client, int process, Random random, HistoryRecorder recorder,
      Duration timeout) {
    String key = "a" + random.nextInt(KEYS);
    if (random.nextInt(4) == 0) {
      return Invocation.record(recorder, process, "read", key, NullNode.getInstance(), true,
          () -> new Outcome.Ok(list(client.get(key, false, timeout))));
    }
    long element = nextElement.getAndIncrement();
    return Invocation.record(recorder, process, "append", key, N.numberNode(element), false,
        () -> {
          for (int attempt = 0; attempt < 5; attempt++) {
            Optional<KvClient.Versioned> current;
            try {
              current = client.get(key, false, timeout);
            } catch (ClientException e) {
              // Every earlier attempt's txn lost its comparison: nothing was written.
              return new Outcome.Fail("read before append failed: " + e.getMessage());
            }
            String next = current.map(v -> v.value() + "," + element)
                .orElse(Long.toString(element));
            if (client.putIfModRevision(key, current.map(KvClient.Versioned::modRevision)
                .orElse(0L), next, timeout)) {
              return Outcome.ok();
            }
          }
          return new Outcome.Fail("contended: 5 attempts lost the race");
        });
  }

  static ArrayNode list(Optional<KvClient.Versioned> value) {
    ArrayNode array = N.arrayNode();
    value.ifPresent(v -> {
      for (String e : v.value().split(",")) {
        if (!e.isEmpty()) {
          array.add(Long.parseLong(e));
        }
      }
    });
    return array;
  }

  @Override
  public void finalPhase(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder) {
    int process = 10_000;
    for (KvClient client : clients) {
      for (int i = 0; i < KEYS; i++) {
        String key = "a" + i;
        Invocation.record(recorder, process, "final-read", key, NullNode.getInstance(), true,
            () -> new Outcome.Ok(list(client.get(key, false, Duration.ofSeconds(5)))));
      }
      process++;
    }
  }

  @Override
  public List<CheckResult> check(History history) {
    return List.of(SetChecker.append().check(history));
  }
}
