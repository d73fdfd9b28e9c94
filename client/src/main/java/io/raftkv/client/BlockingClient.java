package io.raftkv.client;

import io.raftkv.client.OpResult.DeleteResult;
import io.raftkv.client.OpResult.GetResult;
import io.raftkv.client.OpResult.PutResult;
import io.raftkv.client.OpResult.TxnResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The SDK's calls, waited for. Failures are thrown as {@link RaftKvException}s (unwrapped from
 * the future), so {@code catch (RaftKvException.CompactedException e)} works as expected.
 */
public final class BlockingClient {
  private final RaftKvClient client;

  BlockingClient(RaftKvClient client) {
    this.client = client;
  }

  /** Waits for any SDK future, rethrowing its failure as a {@link RaftKvException}. */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new RaftKvException.ServerException(io.grpc.Status.Code.CANCELLED, "interrupted", "", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable c = ErrorMapping.unwrap(e);
      if (c instanceof RaftKvException rk) {
        throw rk;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw ErrorMapping.map(c, "");
    }
  }

  public GetResult get(String key) {
    return await(client.kv().get(key));
  }

  public GetResult get(ByteSequence key, GetOptions options) {
    return await(client.kv().get(key, options));
  }

  public PutResult put(String key, String value) {
    return await(client.kv().put(key, value));
  }

  public PutResult put(ByteSequence key, ByteSequence value, PutOptions options) {
    return await(client.kv().put(key, value, options));
  }

  public DeleteResult delete(String key) {
    return await(client.kv().delete(key));
  }

  public DeleteResult delete(ByteSequence key, DeleteOptions options) {
    return await(client.kv().delete(key, options));
  }

  public TxnResult commit(Txn txn) {
    return await(txn.commit());
  }

  public Header compact(long revision) {
    return await(client.kv().compact(revision));
  }

  public LeaseClient.Grant grantLease(long ttlSeconds) {
    return await(client.lease().grant(ttlSeconds));
  }

  public Header revokeLease(long id) {
    return await(client.lease().revoke(id));
  }

  public LeaseClient.TimeToLive timeToLive(long id, boolean withKeys) {
    return await(client.lease().timeToLive(id, withKeys));
  }

  public List<Member> members() {
    return await(client.cluster().list()).members();
  }

  public EndpointStatus status(String endpoint) {
    return await(client.maintenance().status(endpoint));
  }
}
