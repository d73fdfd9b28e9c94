package io.raftkv.client.recipes;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.ByteSequence;
import io.raftkv.client.Cmp;
import io.raftkv.client.KeyValue;
import io.raftkv.client.Op;
import io.raftkv.client.OpResult.GetResult;
import io.raftkv.client.OpResult.TxnResult;
import io.raftkv.client.PutOptions;
import io.raftkv.client.RaftKvException;
import io.raftkv.client.WatchBatch;
import io.raftkv.client.WatchListener;
import io.raftkv.client.WatchOptions;
import io.raftkv.client.Watcher;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Leader election over KV, Watch and Lease, the algorithm of etcd's {@code concurrency.Election}:
 * candidates put {@code name/<leaseId hex>} with their proposal, bound to their session; the
 * lowest create revision leads; the others wait for their predecessors' deletion. The leader
 * can change its proclaimed value and resign; anyone can read or observe the current leader.
 */
public final class Election {
  private final Session session;
  private final ByteSequence name;
  private final ByteSequence prefix;
  private final ByteSequence myKey;
  private final KeyOrder order;
  private volatile Optional<LeaderKey> leadership = Optional.empty();

  public Election(Session session, String name) {
    this(session, ByteSequence.of(name));
  }

  public Election(Session session, ByteSequence name) {
    this.session = session;
    this.name = name;
    this.prefix = name.concat(ByteSequence.of("/"));
    this.myKey = prefix.concat(ByteSequence.of(Long.toHexString(session.leaseId())));
    this.order = new KeyOrder(session.client(), prefix);
  }

  /** Waits as long as it takes to become leader, proposing {@code value}. */
  public LeaderKey campaign(ByteSequence value) throws InterruptedException {
    try {
      return campaign(value, Duration.ofNanos(Long.MAX_VALUE));
    } catch (TimeoutException e) {
      throw new IllegalStateException("unbounded wait timed out", e);
    }
  }

  /**
   * Becomes leader within {@code timeout}, or withdraws the candidacy and throws.
   *
   * @throws RaftKvException.LockLostException if the session's lease ended while waiting
   */
  public LeaderKey campaign(ByteSequence value, Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = KeyOrder.deadline(timeout);
    TxnResult r = BlockingClient.await(session.client().kv().txn()
        .when(Cmp.createRevision(myKey).eq(0))
        .then(Op.put(myKey, value, PutOptions.withLease(session.leaseId())))
        .otherwise(Op.get(myKey))
        .commit());
    long rev;
    if (r.succeeded()) {
      rev = r.header().revision();
    } else {
      KeyValue existing = ((GetResult) r.results().get(0)).first()
          .orElseThrow(() -> RaftKvException.lockLost("candidate key " + myKey + " vanished"));
      rev = existing.createRevision();
      if (!existing.value().equals(value)) {
        leadership = Optional.of(new LeaderKey(name, myKey, rev, session.leaseId()));
        proclaim(value);
      }
    }
    LeaderKey mine = new LeaderKey(name, myKey, rev, session.leaseId());
    try {
      order.waitDeletes(rev - 1, deadline, session.lost());
      if (BlockingClient.await(session.client().kv().get(myKey)).kvs().isEmpty()) {
        throw RaftKvException.lockLost("candidate key " + myKey + " is gone: its session lease ended");
      }
    } catch (TimeoutException | InterruptedException | RuntimeException e) {
      leadership = Optional.empty();
      deleteQuietly();
      throw e;
    }
    leadership = Optional.of(mine);
    return mine;
  }

  /** Changes the leader's value without an election. */
  public void proclaim(ByteSequence value) {
    LeaderKey k = leadership.orElseThrow(() -> RaftKvException.notLeader("election: not leader"));
    TxnResult r = BlockingClient.await(session.client().kv().txn()
        .when(Cmp.createRevision(k.key()).eq(k.revision()))
        .then(Op.put(k.key(), value, PutOptions.withLease(k.leaseId())))
        .commit());
    if (!r.succeeded()) {
      leadership = Optional.empty();
      throw RaftKvException.notLeader("election: not leader (key " + k.key() + " was replaced or deleted)");
    }
  }

  /** Gives up leadership (or candidacy); the next candidate takes over. */
  public void resign() {
    Optional<LeaderKey> k = leadership;
    leadership = Optional.empty();
    if (k.isPresent()) {
      BlockingClient.await(session.client().kv().txn()
          .when(Cmp.createRevision(k.get().key()).eq(k.get().revision()))
          .then(Op.delete(k.get().key()))
          .commit());
    }
  }

  public Optional<LeaderKey> leadership() {
    return leadership;
  }

  /** The current leader's key and value, if there is one. */
  public Optional<KeyValue> leader() {
    return order.first();
  }

  /** Reads the current leader of an election without being a candidate. */
  public static Optional<KeyValue> leader(io.raftkv.client.RaftKvClient client, ByteSequence name) {
    return new KeyOrder(client, name.concat(ByteSequence.of("/"))).first();
  }

  /**
   * Calls {@code observer} with the current leader now and each time the leader or its value
   * changes (empty while there is none), until the returned watcher is closed.
   */
  public static Watcher observe(io.raftkv.client.RaftKvClient client, ByteSequence name,
      Consumer<Optional<KeyValue>> observer) {
    ByteSequence prefix = name.concat(ByteSequence.of("/"));
    KeyOrder order = new KeyOrder(client, prefix);
    GetResult now = BlockingClient.await(order.firstAsync());
    LeaderView view = new LeaderView(observer);
    view.offer(now);
    return client.watch().watch(prefix, WatchOptions.DEFAULT.withPrefix().withStartRevision(now.header().revision() + 1),
        new WatchListener() {
          @Override
          public void onEvents(WatchBatch batch) {
            // Re-read the owner without blocking the watch; answers may arrive out of order,
            // so the view keeps only those read at a newer revision.
            order.firstAsync().thenAccept(view::offer);
          }

          @Override
          public void onError(RaftKvException error) {
            // Compaction or refusal: observation ends; nothing to report through a Consumer.
          }
        });
  }

  /** The last leader reported to an observer, and the revision it was read at. */
  private static final class LeaderView {
    private final Consumer<Optional<KeyValue>> observer;
    private long readAt = -1;
    private Optional<String> last = Optional.empty();
    private boolean reported;

    LeaderView(Consumer<Optional<KeyValue>> observer) {
      this.observer = observer;
    }

    synchronized void offer(GetResult r) {
      if (r.header().revision() <= readAt) {
        return;
      }
      readAt = r.header().revision();
      Optional<String> id = r.first().map(Election::identity);
      if (!reported || !Objects.equals(last, id)) {
        reported = true;
        last = id;
        observer.accept(r.first());
      }
    }
  }

  private static String identity(KeyValue kv) {
    return kv.key() + "@" + kv.modRevision();
  }

  private void deleteQuietly() {
    try {
      BlockingClient.await(session.client().kv().delete(myKey));
    } catch (RaftKvException ignored) {
      // The lease's expiry removes the key anyway.
    }
  }
}
