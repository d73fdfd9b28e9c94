package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.ByteSequence;
import io.raftkv.client.DeleteOptions;
import io.raftkv.client.GetOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code check perf}: etcdctl's performance check. */
@Command(name = "check", description = "Checks cluster properties.", subcommands = CheckCommand.Perf.class)
final class CheckCommand {
  @ParentCommand
  RaftKvCli root;

  /** etcdctl's loads: puts per second and client connections. */
  enum Load {
    s(150, 50), m(1000, 200), l(8000, 500), xl(15000, 1000);

    final int rate;
    final int clients;

    Load(int rate, int clients) {
      this.rate = rate;
      this.clients = clients;
    }
  }

  /**
   * Writes 256-byte keys with 1 KiB values under the prefix at the load's rate for the duration,
   * with up to the load's number of requests in flight spread over a few connections, then
   * deletes the prefix. Passes, like etcdctl, with no errors, at least 90 % of the target
   * throughput, the slowest request within 500 ms and a latency stddev within 100 ms.
   */
  @Command(name = "perf", description = "Checks the performance of the cluster (passes or fails with exit code 1).")
  static final class Perf implements Callable<Integer> {
    @ParentCommand
    CheckCommand check;

    @Option(names = "--load", defaultValue = "s", description = "workload model: ${COMPLETION-CANDIDATES}")
    Load load;

    @Option(names = "--prefix", defaultValue = "/etcdctl-check-perf/", description = "prefix for writing the keys")
    String prefix;

    @Option(names = "--auto-compact", description = "compact storage with the last revision after the test")
    boolean autoCompact;

    @Option(names = "--auto-defrag", description = "defragment storage after the test")
    boolean autoDefrag;

    @Option(names = "--duration", defaultValue = "60s", converter = GoDuration.class,
        description = "how long to write (etcdctl fixes 60s)")
    Duration duration;

    @Option(names = "--connections", description = "connections to spread requests over (default: min(load clients, 8))")
    Integer connections;

    @Override
    public Integer call() throws Exception {
      RaftKvCli root = check.root;
      ByteSequence pfx = ByteSequence.of(prefix);
      if (BlockingClient.await(root.client().kv().get(pfx, GetOptions.builder().prefix().countOnly().build()))
          .count() > 0) {
        throw new ExitCode.InvalidInputException("prefix " + prefix + " has keys. Delete with 'raftkv del --prefix "
            + prefix + "' first");
      }
      int conns = connections != null ? connections : Math.min(load.clients, 8);
      List<RaftKvClient> clients = new ArrayList<>();
      for (int i = 0; i < conns; i++) {
        clients.add(root.clientOf(root.endpoints()));
      }
      long total = Math.max(1, load.rate * duration.toMillis() / 1000);
      Semaphore inFlight = new Semaphore(load.clients);
      AtomicLong ok = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLong done = new AtomicLong();
      List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
      ProgressBar bar = new ProgressBar(root.err(), "check perf");
      byte[] value = randomBytes(1024);
      long start = System.nanoTime();
      long interval = 1_000_000_000L / load.rate;
      try {
        for (long i = 0; i < total; i++) {
          long due = start + i * interval;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait); // pacing the load generator at the target rate
          }
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
          inFlight.acquire();
          long sent = System.nanoTime();
          RaftKvClient c = clients.get((int) (i % conns));
          c.kv().put(pfx.concat(ByteSequence.of(randomBytes(256))), ByteSequence.of(value))
              .whenComplete((r, t) -> {
                if (t == null) {
                  latencies.add(System.nanoTime() - sent);
                  ok.incrementAndGet();
                } else {
                  failed.incrementAndGet();
                }
                inFlight.release();
                long d = done.incrementAndGet();
                bar.update(d, total, d + " / " + total);
              });
        }
        if (!inFlight.tryAcquire(load.clients, root.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          failed.addAndGet(load.clients - inFlight.availablePermits());
        }
      } finally {
        bar.finish();
        clients.forEach(RaftKvClient::close);
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      cleanUp(root, pfx);

      List<String> lines = new ArrayList<>();
      boolean pass = true;
      double throughput = ok.get() / Math.max(elapsed, duration.toMillis() / 1000.0);
      if (throughput >= 0.9 * load.rate) {
        lines.add(String.format("PASS: Throughput is %.0f writes/s", throughput));
      } else {
        pass = false;
        lines.add(String.format("FAIL: Throughput too low: %.0f writes/s", throughput));
      }
      double slowest = latencies.stream().mapToLong(Long::longValue).max().orElse(0) / 1e9;
      double mean = latencies.stream().mapToLong(Long::longValue).average().orElse(0) / 1e9;
      double var = latencies.stream().mapToDouble(l -> Math.pow(l / 1e9 - mean, 2)).average().orElse(0);
      double stddev = Math.sqrt(var);
      if (slowest <= 0.5) {
        lines.add(String.format("PASS: Slowest request took %.6fs", slowest));
      } else {
        pass = false;
        lines.add(String.format("FAIL: Slowest request took too long: %.6fs", slowest));
      }
      if (stddev <= 0.1) {
        lines.add(String.format("PASS: Stddev is %.6fs", stddev));
      } else {
        pass = false;
        lines.add(String.format("FAIL: Stddev too high: %.6fs", stddev));
      }
      if (failed.get() > 0) {
        pass = false;
        lines.add("FAIL: " + failed.get() + " requests failed");
      }
      lines.add(pass ? "PASS" : "FAIL");
      var j = Json.object();
      j.put("throughput", throughput);
      j.put("slowest_s", slowest);
      j.put("stddev_s", stddev);
      j.put("errors", failed.get());
      j.put("pass", pass);
      root.printer().line(String.join("\n", lines), j);
      if (!pass) {
        throw new ExitCode.CheckFailedException(null);
      }
      return ExitCode.SUCCESS;
    }

    private void cleanUp(RaftKvCli root, ByteSequence pfx) {
      var del = BlockingClient.await(root.client().kv().delete(pfx, DeleteOptions.prefixed()));
      if (autoCompact) {
        BlockingClient.await(root.client().kv().compact(del.header().revision()));
      }
      if (autoDefrag) {
        for (String ep : root.endpoints()) {
          try {
            BlockingClient.await(root.client().maintenance().defragment(ep));
          } catch (RaftKvException e) {
            root.err().println("Failed to defragment etcd member[" + ep + "] (" + e.reason() + ")");
          }
        }
      }
    }

    private static byte[] randomBytes(int n) {
      byte[] b = new byte[n];
      ThreadLocalRandom r = ThreadLocalRandom.current();
      for (int i = 0; i < n; i++) {
        b[i] = (byte) ('a' + r.nextInt(26));
      }
      return b;
    }
  }
}
