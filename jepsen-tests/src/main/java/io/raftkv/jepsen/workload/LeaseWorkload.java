package io.raftkv.jepsen.workload;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.LeaseChecker;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.OpType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each process walks one lease at a time through its life: grant (TTL 2-4 s), attach a key
 * {@code l/<lease>} to it, keep it alive for a few seconds while reading the key and the
 * lease's TTL, then stop refreshing and keep observing until the key is gone. Ops are keyed by
 * the lease's name, so the checker sees each lease's story.
 */
public final class LeaseWorkload implements Workload {
  private static final JsonNodeFactory N = JsonNodeFactory.instance;
  private final Map<Integer, LeaseLife> lives = new ConcurrentHashMap<>();

  private enum Phase { ATTACHING, KEEPING, RELEASED }

  /** One process's current lease (mutated only by that process's thread). */
  private static final class LeaseLife {
    final String name;
    final long id;
    Phase phase = Phase.ATTACHING;
    long keepUntil;
    long releasedAt;

    LeaseLife(String name, long id) {
      this.name = name;
      this.id = id;
    }
  }

  @Override
  public String name() {
    return "lease";
  }

  @Override
  public OpType step(KvClient client, int process, Random random, HistoryRecorder recorder,
      Duration timeout) {
    LeaseLife life = lives.get(process);
    if (life == null) {
      String name = "lease-" + process + "-" + recorder.now();
      long ttl = 2 + random.nextInt(3);
      long[] id = new long[1];
      OpType t = Invocation.record(recorder, process, "grant", name,
          N.objectNode().put("ttl", ttl), false, () -> {
            id[0] = client.grantLease(ttl, timeout);
            return new Outcome.Ok(N.objectNode().put("id", id[0]));
          });
      if (t == OpType.OK) {
        lives.put(process, new LeaseLife(name, id[0]));
      }
      return t;
    }
    return switch (life.phase) {
      case ATTACHING -> {
        OpType t = Invocation.record(recorder, process, "attach", life.name,
            N.objectNode().put("lease", life.id), false, () -> {
              client.put("l/" + life.name, "x", life.id, timeout);
              return Outcome.ok();
            });
        if (t == OpType.OK) {
          life.phase = Phase.KEEPING;
          life.keepUntil = recorder.now() + Duration.ofMillis(2000 + random.nextInt(4000)).toNanos();
        } else if (t == OpType.FAIL) {
          lives.remove(process); // e.g. the lease expired first: start over
        }
        yield t;
      }
      case KEEPING -> {
        if (recorder.now() > life.keepUntil) {
          life.phase = Phase.RELEASED;
          life.releasedAt = recorder.now();
          yield observe(client, process, random, recorder, timeout, life);
        }
        if (random.nextBoolean()) {
          OpType t = Invocation.record(recorder, process, "keepalive", life.name,
              N.objectNode().put("lease", life.id), false,
              () -> new Outcome.Ok(N.objectNode().put("ttl", client.keepAliveOnce(life.id, timeout))));
          if (t == OpType.FAIL) {
            lives.remove(process); // the lease is gone (expired during a fault): start over
          }
          yield t;
        }
        yield observe(client, process, random, recorder, timeout, life);
      }
      case RELEASED -> {
        OpType t = observe(client, process, random, recorder, timeout, life);
        if (recorder.now() - life.releasedAt > Duration.ofSeconds(20).toNanos()) {
          lives.remove(process);
        }
        yield t;
      }
    };
  }

  /** A linearizable read of the lease's key, or a TTL query; pauses a little between them. */
  private OpType observe(KvClient client, int process, Random random, HistoryRecorder recorder,
      Duration timeout, LeaseLife life) {
    pause(50);
    if (random.nextBoolean()) {
      OpType t = Invocation.record(recorder, process, "read", life.name, NullNode.getInstance(),
          true, () -> {
            boolean present = client.get("l/" + life.name, false, timeout).isPresent();
            if (!present && life.phase == Phase.RELEASED) {
              lives.remove(process);
            }
            return new Outcome.Ok(N.objectNode().put("present", present));
          });
      return t;
    }
    return Invocation.record(recorder, process, "ttl", life.name, NullNode.getInstance(), true,
        () -> new Outcome.Ok(N.objectNode().put("ttl", client.timeToLive(life.id, timeout))));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void finalPhase(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder) {
    int process = 10_000;
    for (KvClient client : clients) {
      Invocation.record(recorder, process++, "final-read", "l/", NullNode.getInstance(), true,
          () -> new Outcome.Ok(N.numberNode(client.range("l/", Duration.ofSeconds(5)).size())));
    }
  }

  @Override
  public List<CheckResult> check(History history) {
    return List.of(new LeaseChecker().check(history));
  }
}
