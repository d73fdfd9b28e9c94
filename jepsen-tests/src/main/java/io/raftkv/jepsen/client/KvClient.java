package io.raftkv.jepsen.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the workloads need from a node, over the etcd v3 API. A client is bound to exactly one
 * node (no failover: the history must say which node answered) and every call takes its own
 * deadline, because a paused or partitioned node still accepts TCP connections and would
 * otherwise hang the caller.
 *
 * <p>Failures are {@link ClientException}s that say whether the operation certainly did not
 * take effect ({@link ClientException#definite()}) or might have (a timeout, a lost
 * connection): the runner records the first as FAIL and the second as INFO.
 */
public interface KvClient extends AutoCloseable {

  /** The node this client talks to, e.g. {@code n2}. */
  String node();

  /** A read: linearizable unless {@code serializable} (then the node's local state). */
  Optional<Versioned> get(String key, boolean serializable, Duration timeout);

  /** All keys under a prefix, in key order, with a linearizable read. */
  List<KeyValue> range(String prefix, Duration timeout);

  /** A put; returns the revision it created. {@code leaseId} 0 means no lease. */
  long put(String key, String value, long leaseId, Duration timeout);

  /**
   * Writes {@code next} if the key's value is {@code expected} (empty: the key is absent),
   * in one transaction. Returns whether the comparison held and the write happened.
   */
  boolean compareAndSet(String key, Optional<String> expected, String next, Duration timeout);

  /** Writes {@code value} if the key's mod revision is {@code modRevision} (0: absent). */
  boolean putIfModRevision(String key, long modRevision, String value, Duration timeout);

  /** Grants a lease; returns its id. */
  long grantLease(long ttlSeconds, Duration timeout);

  /** Refreshes a lease once; returns the TTL granted, or throws (definite) if it is gone. */
  long keepAliveOnce(long leaseId, Duration timeout);

  /** The lease's remaining TTL in seconds, or -1 if it does not exist. */
  long timeToLive(long leaseId, Duration timeout);

  /**
   * Watches a prefix from a revision; events arrive on {@code events} in order, a broken
   * stream on {@code broken}. Closing the returned handle cancels the watch.
   */
  AutoCloseable watch(String prefix, long fromRevision, Consumer<WatchEvent> events,
      Consumer<Throwable> broken);

  /** This node's view of the cluster: its member id, the leader it follows, the term. */
  NodeStatus status(Duration timeout);

  @Override
  void close();

  /** A value with the revision that last modified it. */
  record Versioned(String value, long modRevision) {}

  /** A key and its value. */
  record KeyValue(String key, String value, long modRevision) {}

  /** One watch event ({@code type} is PUT or DELETE). */
  record WatchEvent(long revision, String key, String value, String type) {}

  /** A node's status answer. */
  record NodeStatus(long memberId, long leaderId, long raftTerm) {}
}
