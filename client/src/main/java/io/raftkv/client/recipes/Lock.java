package io.raftkv.client.recipes;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.ByteSequence;
import io.raftkv.client.Cmp;
import io.raftkv.client.KeyValue;
import io.raftkv.client.Op;
import io.raftkv.client.OpResult;
import io.raftkv.client.OpResult.GetResult;
import io.raftkv.client.OpResult.TxnResult;
import io.raftkv.client.PutOptions;
import io.raftkv.client.RaftKvException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A distributed mutex over KV, Watch and Lease, the algorithm of etcd's
 * {@code concurrency.Mutex}: each contender puts {@code prefix/<leaseId hex>} bound to its
 * session's lease; the lowest create revision holds the lock; the others wait for the deletion
 * of their predecessors, then re-check that their own key still exists (the session may have
 * expired while waiting). Works against any etcd v3 compatible server: it uses no Lock RPC.
 * One Lock object serves one session; it is not reentrant.
 */
public final class Lock {
  private final Session session;
  private final ByteSequence prefix;
  private final ByteSequence myKey;
  private final KeyOrder order;
  private volatile Optional<LockKey> held = Optional.empty();

  public Lock(Session session, String name) {
    this(session, ByteSequence.of(name));
  }

  public Lock(Session session, ByteSequence name) {
    this.session = session;
    this.prefix = name.concat(ByteSequence.of("/"));
    this.myKey = prefix.concat(ByteSequence.of(Long.toHexString(session.leaseId())));
    this.order = new KeyOrder(session.client(), prefix);
  }

  /** Waits as long as it takes for the lock. */
  public LockKey lock() throws InterruptedException {
    try {
      return lock(Duration.ofNanos(Long.MAX_VALUE));
    } catch (TimeoutException e) {
      throw new IllegalStateException("unbounded wait timed out", e);
    }
  }

  /**
   * Waits at most {@code timeout}; on timeout the contender's key is deleted again.
   *
   * @throws RaftKvException.LockLostException if the session's lease ended while waiting
   */
  public LockKey lock(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = KeyOrder.deadline(timeout);
    long myRev = enqueue();
    try {
      while (true) {
        order.waitDeletes(myRev - 1, deadline, session.lost());
        Optional<KeyValue> owner = order.first();
        if (owner.isPresent() && owner.get().key().equals(myKey) && owner.get().createRevision() == myRev) {
          LockKey k = new LockKey(myKey, session.leaseId(), myRev);
          held = Optional.of(k);
          return k;
        }
        if (BlockingClient.await(session.client().kv().get(myKey)).kvs().isEmpty()) {
          throw lost();
        }
      }
    } catch (TimeoutException | InterruptedException | RuntimeException e) {
      deleteQuietly();
      throw e;
    }
  }

  /** Takes the lock only if nobody holds it; otherwise withdraws at once. */
  public Optional<LockKey> tryLock() {
    long myRev = enqueue();
    Optional<KeyValue> owner = order.first();
    if (owner.isPresent() && owner.get().key().equals(myKey)) {
      LockKey k = new LockKey(myKey, session.leaseId(), myRev);
      held = Optional.of(k);
      return held;
    }
    deleteQuietly();
    return Optional.empty();
  }

  /** Puts this session's key if it is not there yet; returns its create revision. */
  private long enqueue() {
    TxnResult r = BlockingClient.await(session.client().kv().txn()
        .when(Cmp.createRevision(myKey).eq(0))
        .then(Op.put(myKey, ByteSequence.EMPTY, PutOptions.withLease(session.leaseId())))
        .otherwise(Op.get(myKey))
        .commit());
    if (r.succeeded()) {
      return r.header().revision();
    }
    OpResult res = r.results().get(0);
    return ((GetResult) res).first().orElseThrow(this::lost).createRevision();
  }

  private RaftKvException lost() {
    return RaftKvException.lockLost("lock key " + myKey + " is gone: its session lease expired or was revoked");
  }

  /** The lock currently held through this object, if any. */
  public Optional<LockKey> held() {
    return held;
  }

  /** Releases the lock (deletes this session's key). */
  public void unlock() {
    held = Optional.empty();
    BlockingClient.await(session.client().kv().delete(myKey));
  }

  private void deleteQuietly() {
    try {
      BlockingClient.await(session.client().kv().delete(myKey));
    } catch (RaftKvException ignored) {
      // The original failure matters more; the lease expiry removes the key anyway.
    }
  }
}
