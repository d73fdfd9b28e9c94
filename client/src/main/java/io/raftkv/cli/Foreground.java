package io.raftkv.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Commands that run until stopped (watch, lease keep-alive, lock, elect) wait here: until their
 * work ends by itself (the future completes, or fails with the error to report) or the thread
 * is interrupted (Ctrl-C in a terminal, or an embedding program), which is a normal end.
 */
final class Foreground {
  private Foreground() {}

  /** Returns true if the work ended by itself, false if interrupted; rethrows its failure. */
  static boolean await(CompletableFuture<?> end) throws Exception {
    try {
      end.get();
      return true;
    } catch (InterruptedException e) {
      return false;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }
}
