package io.raftkv.jepsen.cluster;

import io.raftkv.client.RaftKvClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Membership changes through one node's etcd Cluster API (list, add a learner, remove,
 * promote), with RaftKV's SDK because jetcd 0.8 cannot promote. Works against etcd too.
 */
public final class Membership implements AutoCloseable {
  private final Node via;
  private final RaftKvClient client;

  /** A member as the cluster lists it; {@code name} is empty until a new member has started. */
  public record Member(long id, String name, List<String> peerUrls, boolean learner) {
    public String idHex() {
      return Long.toHexString(id);
    }
  }

  public Membership(Node via, Duration timeout) {
    this.via = via;
    this.client = RaftKvClient.builder().endpoints(via.clientEndpoint())
        .connectTimeout(timeout).requestTimeout(timeout).maxRetries(0).build();
  }

  public Node via() {
    return via;
  }

  public List<Member> list() {
    return await(client.cluster().list()).members().stream()
        .map(m -> new Member(m.id(), m.name(), m.peerUrls(), m.learner())).toList();
  }

  /** The member whose peer URLs include {@code peerUrl}. */
  public Optional<Member> find(String peerUrl) {
    return list().stream().filter(m -> m.peerUrls().contains(peerUrl)).findFirst();
  }

  /** Adds a learner; returns its member id. */
  public long addLearner(String peerUrl) {
    return await(client.cluster().add(List.of(peerUrl), true)).member().id();
  }

  public void remove(long id) {
    await(client.cluster().remove(id));
  }

  public void promote(long id) {
    await(client.cluster().promote(id));
  }

  private <T> T await(java.util.concurrent.CompletableFuture<T> call) {
    try {
      return call.get(client.config().requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(via + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new IllegalStateException(via + ": membership call timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(via + ": interrupted", e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
