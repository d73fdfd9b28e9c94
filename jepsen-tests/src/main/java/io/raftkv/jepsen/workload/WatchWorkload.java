package io.raftkv.jepsen.workload;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.WatchChecker;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.client.KvClient.WatchEvent;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers put unique values under the prefix {@code w/} while one watcher per node watches
 * the prefix from the revision the test started at. A watcher whose stream breaks resumes
 * from the revision after the last event it received, on the same node. After healing, a
 * marker put is made and every watcher must reach it; then a fresh watch from the start
 * revision reads the authoritative event sequence that every watcher must equal.
 */
public final class WatchWorkload implements Workload {
  static final String PREFIX = "w/";
  private static final JsonNodeFactory N = JsonNodeFactory.instance;
  private final AtomicLong nextValue = new AtomicLong();
  private final List<Watcher> watchers = new ArrayList<>();
  private final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "watch-resumer");
    t.setDaemon(true);
    return t;
  });
  private long fromRevision;

  @Override
  public String name() {
    return "watch";
  }

  /** One node's watcher: every event it received, in arrival order, across resumptions. */
  private final class Watcher {
    final KvClient client;
    final Op invoke;
    final List<WatchEvent> events = new ArrayList<>();
    long lastRevision;
    AutoCloseable handle;
    int subscription;
    boolean closed;

    Watcher(KvClient client, Op invoke) {
      this.client = client;
      this.invoke = invoke;
    }

    // Lock order: never call into jetcd while holding this watcher's monitor. jetcd holds its
    // own lock while it delivers events and completions, which take this monitor; a subscribe
    // or close made under the monitor deadlocked against it (found by a 5-node watch run).

    void subscribe(long from) {
      int id;
      synchronized (this) {
        if (closed) {
          return;
        }
        // Callbacks carry the subscription they belong to: a cancelled subscription's late
        // events or completion must not be mistaken for the current stream's.
        id = ++subscription;
      }
      AutoCloseable opened;
      try {
        opened = client.watch(PREFIX, from, e -> onEvent(id, e), t -> onBroken(id));
      } catch (RuntimeException e) {
        onBroken(id);
        return;
      }
      boolean current;
      synchronized (this) {
        current = !closed && id == subscription;
        if (current) {
          handle = opened;
        }
      }
      if (!current) {
        closeQuietly(opened); // broken or closed while it was being opened
      }
    }

    synchronized void onEvent(int id, WatchEvent e) {
      if (id == subscription) {
        events.add(e);
        lastRevision = Math.max(lastRevision, e.revision());
      }
    }

    void onBroken(int id) {
      AutoCloseable broken;
      long from;
      synchronized (this) {
        if (closed || id != subscription) {
          return;
        }
        subscription++; // invalidates this stream before closing it (close calls back)
        broken = handle;
        handle = null;
        from = Math.max(fromRevision, lastRevision + 1);
      }
      closeQuietly(broken);
      resumer.schedule(() -> subscribe(from), 500, TimeUnit.MILLISECONDS);
    }

    synchronized long lastRevision() {
      return lastRevision;
    }

    synchronized ArrayNode eventsJson() {
      ArrayNode array = N.arrayNode();
      events.forEach(e -> array.add(json(e)));
      return array;
    }

    void close() {
      AutoCloseable open;
      synchronized (this) {
        closed = true;
        subscription++;
        open = handle;
        handle = null;
      }
      closeQuietly(open);
    }

    private static void closeQuietly(AutoCloseable watch) {
      if (watch != null) {
        try {
          watch.close();
        } catch (Exception e) {
          // already broken
        }
      }
    }
  }

  static ObjectNode json(WatchEvent e) {
    return N.objectNode().put("revision", e.revision()).put("key", e.key())
        .put("value", e.value()).put("type", e.type());
  }

  @Override
  public void setUp(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder) {
    fromRevision = clients.get(0).put("w-start", "start", 0, Duration.ofSeconds(10)) + 1;
    int process = 20_000;
    for (KvClient client : clients) {
      Op invoke = recorder.invoke(process++, "watch", "",
          N.objectNode().put("fromRevision", fromRevision).put("node", client.node()));
      Watcher w = new Watcher(client, invoke);
      watchers.add(w);
      w.subscribe(fromRevision);
    }
  }

  @Override
  public OpType step(KvClient client, int process, Random random, HistoryRecorder recorder,
      Duration timeout) {
    String key = PREFIX + "k" + random.nextInt(5);
    String value = Long.toString(nextValue.getAndIncrement());
    return Invocation.record(recorder, process, "put", key, N.textNode(value), false,
        () -> new Outcome.Ok(N.objectNode().put("revision", client.put(key, value, 0, timeout))));
  }

  @Override
  public void finalPhase(Cluster cluster, List<KvClient> clients, HistoryRecorder recorder) {
    long finalRevision = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int process = 30_000;
    while (finalRevision < 0 && System.nanoTime() < deadline) {
      Op invoke = recorder.invoke(process, "put", PREFIX + "zz-final", N.textNode("final"));
      try {
        finalRevision = clients.get(0).put(PREFIX + "zz-final", "final", 0, Duration.ofSeconds(5));
        recorder.complete(invoke, OpType.OK, N.objectNode().put("revision", finalRevision), null);
      } catch (RuntimeException e) {
        recorder.complete(invoke, OpType.INFO, null, e.getMessage());
        process++;
      }
    }
    long target = finalRevision;
    // Every watcher must catch up to the marker; one that does not shows up as a gap.
    while (System.nanoTime() < deadline && target > 0
        && watchers.stream().anyMatch(w -> w.lastRevision() < target)) {
      pause();
    }
    for (Watcher w : watchers) {
      w.close();
      recorder.complete(w.invoke, OpType.OK, w.eventsJson(), null);
    }
    if (finalRevision > 0) {
      readFinalHistory(clients.get(0), finalRevision, recorder);
    }
    resumer.shutdownNow();
  }

  private void readFinalHistory(KvClient client, long finalRevision, HistoryRecorder recorder) {
    Op invoke = recorder.invoke(40_000, "final-history", "",
        N.objectNode().put("fromRevision", fromRevision));
    List<WatchEvent> events = new ArrayList<>();
    Object done = new Object();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (AutoCloseable h = client.watch(PREFIX, fromRevision, e -> {
      synchronized (done) {
        events.add(e);
      }
    }, t -> { })) {
      while (System.nanoTime() < deadline) {
        synchronized (done) {
          if (!events.isEmpty() && events.get(events.size() - 1).revision() >= finalRevision) {
            break;
          }
        }
        pause();
      }
    } catch (Exception e) {
      recorder.complete(invoke, OpType.FAIL, null, e.getMessage());
      return;
    }
    ArrayNode array = N.arrayNode();
    synchronized (done) {
      events.forEach(e -> array.add(json(e)));
    }
    recorder.complete(invoke, OpType.OK, array, null);
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public List<CheckResult> check(History history) {
    return List.of(new WatchChecker().check(history));
  }
}
