package io.raftkv.client.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Waiting for a member process of a test cluster to report healthy: polls its health endpoint
 * until it answers, and gives up at once if the process exits or when the time is up. Shared by
 * {@link EtcdCluster} and {@link RaftKvCluster}.
 */
final class MemberHealth {
  private static final Duration MINIMUM = Duration.ofMillis(1);

  private MemberHealth() {}

  /**
   * @param what    names the member in errors, e.g. "RaftKV member 2"
   * @param within  what is left of the caller's start timeout
   * @param details appended to errors (where its log is, its tail)
   */
  static void await(String what, Process process, BooleanSupplier healthy, Duration within,
      Supplier<String> details) {
    try {
      org.awaitility.Awaitility.await(what + " healthy")
          .atMost(within.compareTo(MINIMUM) < 0 ? MINIMUM : within)
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
          .failFast(what + " exited", () -> !process.isAlive())
          .until(healthy::getAsBoolean);
    } catch (TerminalFailureException e) {
      throw new IllegalStateException(what + " exited with " + process.exitValue() + "; "
          + details.get());
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(what + " not healthy before the start timeout; " + details.get());
    }
  }
}
