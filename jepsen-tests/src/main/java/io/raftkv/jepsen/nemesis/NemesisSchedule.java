package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.history.HistoryRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs nemeses one at a time on a seeded schedule: a quiet period, then a random nemesis
 * injected for a random active period and healed, and so on until stopped. The same seed
 * picks the same nemeses, targets and durations (the cluster's answers, e.g. who leads, may
 * still differ between runs). Fault periods are recorded on the history's clock.
 */
public final class NemesisSchedule implements Runnable {
  private final Cluster cluster;
  private final List<Nemesis> nemeses;
  private final Random random;
  private final HistoryRecorder clock;
  private final Duration quiet;
  private final Duration active;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<FaultPeriod> periods = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();

  public NemesisSchedule(Cluster cluster, List<Nemesis> nemeses, long seed,
      HistoryRecorder clock, Duration quiet, Duration active) {
    this.cluster = cluster;
    this.nemeses = List.copyOf(nemeses);
    this.random = new Random(seed);
    this.clock = clock;
    this.quiet = quiet;
    this.active = active;
  }

  @Override
  public void run() {
    if (nemeses.isEmpty()) {
      return;
    }
    while (!waitOrStop(jitter(quiet))) {
      Nemesis nemesis = nemeses.get(random.nextInt(nemeses.size()));
      long start = clock.now();
      String what;
      try {
        what = nemesis.inject(cluster, random);
      } catch (RuntimeException e) {
        synchronized (this) {
          errors.add(nemesis.name() + ": " + e.getMessage());
        }
        what = "failed to inject: " + e.getMessage();
      }
      waitOrStop(jitter(active));
      healQuietly(nemesis);
      synchronized (this) {
        periods.add(new FaultPeriod(nemesis.name(), what, start, clock.now()));
      }
    }
  }

  /** Between 0.5x and 1.5x of a duration. */
  private Duration jitter(Duration d) {
    return Duration.ofMillis((long) (d.toMillis() * (0.5 + random.nextDouble())));
  }

  private boolean waitOrStop(Duration d) {
    try {
      return stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void healQuietly(Nemesis nemesis) {
    try {
      nemesis.heal(cluster);
    } catch (RuntimeException e) {
      synchronized (this) {
        errors.add("heal " + nemesis.name() + ": " + e.getMessage());
      }
    }
  }

  public void stop() {
    stopped.countDown();
  }

  /** Heals every nemesis of the schedule on every node (the final phase). */
  public void healAll() {
    nemeses.forEach(this::healQuietly);
  }

  public synchronized List<FaultPeriod> periods() {
    return List.copyOf(periods);
  }

  public synchronized List<String> errors() {
    return List.copyOf(errors);
  }
}
