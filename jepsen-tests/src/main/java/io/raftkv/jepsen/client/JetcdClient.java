package io.raftkv.jepsen.client;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent.EventType;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@link KvClient} on jetcd, bound to one endpoint. jetcd's own retries are switched off: a
 * retried compare-and-set could report "compare failed" for an attempt that had in fact
 * applied, which would make the history lie.
 */
public final class JetcdClient implements KvClient {
  private final String node;
  private final String endpoint;
  private final Client client;
  private final KV kv;

  public JetcdClient(String node, String endpoint) {
    this.node = node;
    this.endpoint = endpoint;
    this.client = Client.builder().endpoints(endpoint)
        .retryMaxAttempts(0)
        .waitForReady(false)
        .connectTimeout(Duration.ofSeconds(2))
        .keepaliveTime(Duration.ofSeconds(5))
        .keepaliveTimeout(Duration.ofSeconds(2))
        .build();
    this.kv = client.getKVClient();
  }

  @Override
  public String node() {
    return node;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static String text(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Waits for a call within its deadline, cancelling it when the deadline passes. */
  private <T> T await(CompletableFuture<T> call, Duration timeout, String what) {
    try {
      return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new ClientException(what + " on " + node + " timed out after " + timeout.toMillis()
          + " ms", false, e);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new ClientException(what + " on " + node + " interrupted", false, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new ClientException(what + " on " + node + ": " + cause.getMessage(),
          isDefinite(cause), cause);
    }
  }

  /**
   * Errors that prove the request was not applied: the server validated and refused it. A
   * NOT_FOUND lease, an invalid argument, a failed precondition, "no leader". Everything else (unavailable,
   * deadline, unknown) may have been applied.
   */
  private static boolean isDefinite(Throwable cause) {
    // "no leader" is a refusal before anything was proposed (etcd and RaftKV alike): definite.
    // Counting it as indeterminate would only blow up the linearizability search.
    if (String.valueOf(cause.getMessage()).contains("etcdserver: no leader")) {
      return true;
    }
    Status.Code code = Status.fromThrowable(cause).getCode();
    if (cause instanceof EtcdException etcd) {
      code = switch (etcd.getErrorCode()) {
        case NOT_FOUND -> Status.Code.NOT_FOUND;
        case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
        case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
        case OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
        default -> Status.Code.UNKNOWN;
      };
    }
    return code == Status.Code.NOT_FOUND || code == Status.Code.INVALID_ARGUMENT
        || code == Status.Code.FAILED_PRECONDITION || code == Status.Code.OUT_OF_RANGE;
  }

  @Override
  public Optional<Versioned> get(String key, boolean serializable, Duration timeout) {
    GetResponse r = await(kv.get(bytes(key),
        GetOption.builder().withSerializable(serializable).build()), timeout, "get " + key);
    return r.getKvs().stream().findFirst()
        .map(kvp -> new Versioned(text(kvp.getValue()), kvp.getModRevision()));
  }

  @Override
  public List<KeyValue> range(String prefix, Duration timeout) {
    GetResponse r = await(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
        timeout, "range " + prefix);
    return r.getKvs().stream()
        .map(k -> new KeyValue(text(k.getKey()), text(k.getValue()), k.getModRevision()))
        .toList();
  }

  @Override
  public long put(String key, String value, long leaseId, Duration timeout) {
    PutOption option = leaseId == 0 ? PutOption.DEFAULT
        : PutOption.builder().withLeaseId(leaseId).build();
    return await(kv.put(bytes(key), bytes(value), option), timeout, "put " + key)
        .getHeader().getRevision();
  }

  @Override
  public boolean compareAndSet(String key, Optional<String> expected, String next,
      Duration timeout) {
    Cmp cmp = expected.isPresent()
        ? new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.value(bytes(expected.get())))
        : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0));
    return await(kv.txn().If(cmp).Then(Op.put(bytes(key), bytes(next), PutOption.DEFAULT))
        .commit(), timeout, "cas " + key).isSucceeded();
  }

  @Override
  public boolean putIfModRevision(String key, long modRevision, String value,
      Duration timeout) {
    Cmp cmp = new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    return await(kv.txn().If(cmp).Then(Op.put(bytes(key), bytes(value), PutOption.DEFAULT))
        .commit(), timeout, "txn " + key).isSucceeded();
  }

  @Override
  public long grantLease(long ttlSeconds, Duration timeout) {
    return await(client.getLeaseClient().grant(ttlSeconds), timeout, "grant").getID();
  }

  @Override
  public long keepAliveOnce(long leaseId, Duration timeout) {
    long ttl = await(client.getLeaseClient().keepAliveOnce(leaseId), timeout, "keepalive")
        .getTTL();
    if (ttl <= 0) {
      throw new ClientException("lease " + leaseId + " not found on " + node, true, null);
    }
    return ttl;
  }

  @Override
  public long timeToLive(long leaseId, Duration timeout) {
    return await(client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT), timeout,
        "ttl").getTTL();
  }

  @Override
  public AutoCloseable watch(String prefix, long fromRevision, Consumer<WatchEvent> events,
      Consumer<Throwable> broken) {
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision)
        .withProgressNotify(false).build();
    Watch.Watcher watcher = client.getWatchClient().watch(bytes(prefix), option,
        Watch.listener(response -> response.getEvents().forEach(e -> events.accept(
            new WatchEvent(e.getKeyValue().getModRevision(), text(e.getKeyValue().getKey()),
                text(e.getKeyValue().getValue()),
                e.getEventType() == EventType.DELETE ? "DELETE" : "PUT"))),
            broken, () -> broken.accept(new IllegalStateException("watch completed"))));
    return watcher::close;
  }

  @Override
  public NodeStatus status(Duration timeout) {
    var s = await(client.getMaintenanceClient().statusMember(endpoint), timeout, "status");
    return new NodeStatus(s.getHeader().getMemberId(), s.getLeader(), s.getRaftTerm());
  }

  @Override
  public void close() {
    client.close();
  }
}
