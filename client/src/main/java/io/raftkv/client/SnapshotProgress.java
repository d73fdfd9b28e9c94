package io.raftkv.client;

/** Hears a snapshot download's progress; {@code totalBytes} is the server's running estimate. */
@FunctionalInterface
public interface SnapshotProgress {
  SnapshotProgress NONE = (written, total) -> {};

  void onProgress(long bytesWritten, long totalBytes);
}
