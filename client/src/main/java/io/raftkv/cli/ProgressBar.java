package io.raftkv.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar redrawn in place with a carriage return, on the error stream so that
 * the command's output stays clean for pipes.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final String label;
  private long lastDrawNanos;
  private int lastPercent = -1;

  ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  /** Redraws at most every 100 ms, and always at 100 %. */
  synchronized void update(long done, long total, String detail) {
    int percent = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
    long now = System.nanoTime();
    if (percent != 100 && (now - lastDrawNanos < 100_000_000L || percent == lastPercent)) {
      return;
    }
    lastDrawNanos = now;
    lastPercent = percent;
    int filled = percent * WIDTH / 100;
    String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
    err.print("\r" + label + " [" + bar + "] " + String.format("%3d%%", percent) + " " + detail);
    err.flush();
  }

  synchronized void finish() {
    err.println();
    err.flush();
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format("%.1f KiB", n / 1024.0);
    }
    return String.format("%.1f MiB", n / (1024.0 * 1024));
  }
}
