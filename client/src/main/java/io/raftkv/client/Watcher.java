package io.raftkv.client;

/** A running watch. Closing it cancels the server-side watch and stops delivery. */
public interface Watcher extends AutoCloseable {
  /** Asks the server to report progress; the answer arrives as {@link WatchListener#onProgress}. */
  void requestProgress();

  /** The revision the watch would resume from after a disconnection: last delivered + 1. */
  long nextRevision();

  /** The endpoint the watch is currently streaming from. */
  String endpoint();

  @Override
  void close();
}
