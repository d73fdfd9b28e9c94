package io.raftkv.jepsen.runner;

import io.raftkv.jepsen.checker.Anomaly;
import io.raftkv.jepsen.checker.CheckResult;
import io.raftkv.jepsen.checker.Verdict;
import io.raftkv.jepsen.client.KvClient;
import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.nemesis.Nemesis;
import io.raftkv.jepsen.nemesis.NemesisSchedule;
import io.raftkv.jepsen.nemesis.Nemeses;
import io.raftkv.jepsen.report.ReportWriter;
import io.raftkv.jepsen.sut.SystemUnderTest;
import io.raftkv.jepsen.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one test: start the cluster, run client processes (clientsPerNode per node, each bound
 * to its node) and the nemesis schedule for the configured time, then heal everything, check
 * liveness (every node serves a linearizable read within the recovery bound), do the
 * workload's final reads from every node, check the history and write the report.
 *
 * <p>A process whose operation is indeterminate (INFO) is retired, since it may still be in
 * flight; a fresh process id takes its place on the same client, as in Jepsen.
 */
public final class TestRunner {
  private final SystemUnderTest sut;

  public TestRunner(SystemUnderTest sut) {
    this.sut = sut;
  }

  public RunResult run(TestConfig config) {
    Workload workload = Workload.named(config.workload());
    List<Nemesis> nemeses = Nemeses.parse(config.nemeses());
    SystemUnderTest system = nemeses.stream().anyMatch(Nemesis::needsUnsyncedWritesLostOnCrash)
        ? sut.losingUnsyncedWritesOnCrash() : sut;
    try (Cluster cluster = Cluster.start(system, config.nodes())) {
      List<Node> unhealthy = cluster.awaitHealthy(Duration.ofSeconds(60));
      if (!unhealthy.isEmpty()) {
        throw new IllegalStateException("cluster never became healthy; nodes " + unhealthy
            + " did not answer (" + cluster.lastHealthError() + "). Last log of "
            + unhealthy.get(0) + ":\n" + unhealthy.get(0).log());
      }
      return run(config, workload, nemeses, cluster);
    }
  }

  private RunResult run(TestConfig config, Workload workload, List<Nemesis> nemeses,
      Cluster cluster) {
    HistoryRecorder recorder = new HistoryRecorder();
    List<KvClient> perNode = cluster.nodes().stream().map(cluster::client).toList();
    List<KvClient> workerClients = new ArrayList<>();
    try {
      workload.setUp(cluster, perNode, recorder);
      int workers = config.nodes() * config.clientsPerNode();
      long deadline = System.nanoTime() + config.duration().toNanos();
      List<Thread> threads = new ArrayList<>();
      AtomicInteger unexpected = new AtomicInteger();
      for (int w = 0; w < workers; w++) {
        KvClient client = cluster.client(cluster.nodes().get(w % config.nodes()));
        workerClients.add(client);
        int first = w;
        Random random = new Random(config.seed() * 1_000_003L + w);
        Thread t = new Thread(() -> {
          int process = first;
          while (System.nanoTime() < deadline) {
            try {
              OpType type = workload.step(client, process, random, recorder, config.opTimeout());
              if (type == OpType.INFO) {
                process += workers;
              }
              if (type != OpType.OK) {
                backOff(); // a dead node refuses at once: don't spin on it
              }
            } catch (RuntimeException e) {
              unexpected.incrementAndGet();
              process += workers; // its op may be in flight: retire it as for INFO
            }
          }
        }, "client-" + w);
        threads.add(t);
      }
      NemesisSchedule schedule = new NemesisSchedule(cluster, nemeses,
          config.seed(), recorder, config.quietPeriod(), config.faultPeriod());
      Thread nemesisThread = new Thread(schedule, "nemesis");
      threads.forEach(Thread::start);
      nemesisThread.start();
      for (Thread t : threads) {
        join(t);
      }
      schedule.stop();
      join(nemesisThread);
      schedule.healAll();

      long healedAt = recorder.now();
      List<Node> dead = cluster.awaitHealthy(config.recoveryBound());
      CheckResult liveness = dead.isEmpty()
          ? new CheckResult("liveness", Verdict.VALID, String.format(
              "every node served a linearizable read %.1f s after healing",
              (recorder.now() - healedAt) / 1e9), List.of(), Map.of())
          : new CheckResult("liveness", Verdict.INVALID, "nodes " + dead
              + " did not serve within " + config.recoveryBound().toSeconds()
              + " s of healing", List.of(Anomaly.of("unavailable", "", "nodes " + dead
              + " unavailable after healing", List.of())), Map.of());
      workload.finalPhase(cluster, perNode, recorder);
      History history = recorder.snapshot();

      List<CheckResult> results = new ArrayList<>(workload.check(history));
      results.add(liveness);
      if (!schedule.errors().isEmpty() || unexpected.get() > 0) {
        results.add(new CheckResult("harness", Verdict.UNKNOWN, "nemesis errors "
            + schedule.errors() + ", " + unexpected.get() + " unexpected client exceptions",
            List.of(), Map.of()));
      }
      Verdict verdict = results.stream().map(CheckResult::verdict)
          .reduce(Verdict.VALID, Verdict::and);
      Path dir = config.outputRoot().resolve(config.testName()).resolve(
          LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")));
      RunResult result = new RunResult(config, sut.name(), verdict, results, history,
          schedule.periods(), dir.toAbsolutePath());
      ReportWriter.write(result, workload::timelineKey);
      saveNodeLogs(cluster, result.reportDirectory());
      return result;
    } finally {
      workerClients.forEach(KvClient::close);
      perNode.forEach(KvClient::close);
    }
  }

  /** Each node's own log and its supervisor's, beside the report (logs/n1.log, ...). */
  private static void saveNodeLogs(Cluster cluster, Path reportDirectory) {
    Path logs = reportDirectory.resolve("logs");
    for (Node node : cluster.nodes()) {
      try {
        Files.createDirectories(logs);
        Files.writeString(logs.resolve(node.name() + ".log"), node.execAllowingFailure(
            "/bin/sh", "-c", "cat /data/supervisor.log /data/node.log").getStdout());
      } catch (IOException | RuntimeException e) {
        System.err.println("could not save the log of " + node + ": " + e.getMessage());
      }
    }
  }

  private static void backOff() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + t.getName(), e);
    }
  }
}
