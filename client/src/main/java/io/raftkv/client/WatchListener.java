package io.raftkv.client;

/**
 * Receives a watch's events. Calls are never concurrent for one watch. A listener must not
 * block for long: it runs on the client's callback threads.
 */
public interface WatchListener {
  /** Events, in revision order, each revision exactly once across reconnects. */
  void onEvents(WatchBatch batch);

  /**
   * The watch ended for good: a {@link RaftKvException.CompactedException} when the revision to
   * resume from was compacted (its {@code compactRevision()} tells where history now starts),
   * or the server's refusal. Not called after {@link Watcher#close()}.
   */
  void onError(RaftKvException error);

  /** Every event up to {@code revision} has been delivered (progress notification or request). */
  default void onProgress(long revision) {}
}
