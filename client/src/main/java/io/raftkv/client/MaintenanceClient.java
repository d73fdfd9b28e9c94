package io.raftkv.client;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.AlarmMember;
import io.raftkv.proto.etcd.AlarmRequest;
import io.raftkv.proto.etcd.AlarmType;
import io.raftkv.proto.etcd.DefragmentRequest;
import io.raftkv.proto.etcd.HashKVRequest;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.MaintenanceGrpc;
import io.raftkv.proto.etcd.MoveLeaderRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.SnapshotRequest;
import io.raftkv.proto.etcd.SnapshotResponse;
import io.raftkv.proto.etcd.StatusRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Operating a cluster: member status, health, alarms, defragmentation, hashes, leadership
 * transfer and snapshots. Calls naming an endpoint go to that member only, without failover.
 */
public final class MaintenanceClient {
  private final Failover failover;

  MaintenanceClient(Failover failover) {
    this.failover = failover;
  }

  /** An alarm raised on a member. */
  public record Alarm(long memberId, Type type) {
    public enum Type { NONE, NOSPACE, CORRUPT }
  }

  public record HashKv(Header header, long hash, long compactRevision) {}

  /** A saved snapshot; {@code checksumVerified} is false when the server sent no trailing SHA-256. */
  public record SnapshotFile(Path path, long size, boolean checksumVerified) {}

  public CompletableFuture<EndpointStatus> status(String endpoint) {
    String ep = ChannelPool.hostPort(endpoint);
    return failover.callOn(ep,
        (ch, d) -> MaintenanceGrpc.newFutureStub(ch).withDeadline(d).status(StatusRequest.getDefaultInstance()))
        .thenApply(r -> new EndpointStatus(ep, Header.from(r.getHeader()), r.getVersion(), r.getDbSize(),
            r.getDbSizeInUse(), r.getLeader(), r.getRaftIndex(), r.getRaftTerm(), r.getRaftAppliedIndex(),
            r.getErrorsList(), r.getIsLearner()));
  }

  /**
   * Checks a member the way etcdctl's {@code endpoint health} does: a linearizable read of the
   * key "health", which needs a leader and a quorum. Completes with how long it took.
   */
  public CompletableFuture<Duration> health(String endpoint) {
    String ep = ChannelPool.hostPort(endpoint);
    long start = System.nanoTime();
    var request = RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("health")).build();
    return failover.callOn(ep, (ch, d) -> KVGrpc.newFutureStub(ch).withDeadline(d).range(request))
        .thenApply(r -> Duration.ofNanos(System.nanoTime() - start));
  }

  public CompletableFuture<List<Alarm>> alarms() {
    var request = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build();
    return failover.call(Idempotency.READ, (ch, d) -> MaintenanceGrpc.newFutureStub(ch).withDeadline(d).alarm(request))
        .thenApply(r -> r.getAlarmsList().stream().map(MaintenanceClient::alarm).toList());
  }

  /** Clears an alarm (disarming is idempotent, so it is retried like a read). */
  public CompletableFuture<List<Alarm>> disarm(Alarm alarm) {
    var request = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.DEACTIVATE)
        .setMemberID(alarm.memberId()).setAlarm(AlarmType.forNumber(alarm.type().ordinal())).build();
    return failover.call(Idempotency.IDEMPOTENT,
        (ch, d) -> MaintenanceGrpc.newFutureStub(ch).withDeadline(d).alarm(request))
        .thenApply(r -> r.getAlarmsList().stream().map(MaintenanceClient::alarm).toList());
  }

  private static Alarm alarm(AlarmMember m) {
    int t = m.getAlarmValue();
    return new Alarm(m.getMemberID(), t >= 0 && t < Alarm.Type.values().length ? Alarm.Type.values()[t] : Alarm.Type.NONE);
  }

  public CompletableFuture<Header> defragment(String endpoint) {
    return failover.callOn(ChannelPool.hostPort(endpoint),
        (ch, d) -> MaintenanceGrpc.newFutureStub(ch).withDeadline(d).defragment(DefragmentRequest.getDefaultInstance()))
        .thenApply(r -> Header.from(r.getHeader()));
  }

  /** The hash of the member's key-value history up to {@code revision} (0 = all). */
  public CompletableFuture<HashKv> hashKv(String endpoint, long revision) {
    var request = HashKVRequest.newBuilder().setRevision(revision).build();
    return failover.callOn(ChannelPool.hostPort(endpoint),
        (ch, d) -> MaintenanceGrpc.newFutureStub(ch).withDeadline(d).hashKV(request))
        .thenApply(r -> new HashKv(Header.from(r.getHeader()), Integer.toUnsignedLong(r.getHash()), r.getCompactRevision()));
  }

  /**
   * Transfers leadership to {@code targetMemberId}. Like etcdctl, finds the leader among the
   * configured endpoints first: only the leader accepts MoveLeader.
   */
  public CompletableFuture<Header> moveLeader(long targetMemberId) {
    var request = MoveLeaderRequest.newBuilder().setTargetID(targetMemberId).build();
    return findLeaderEndpoint().thenCompose(leader -> failover.callOn(leader,
        (ch, d) -> MaintenanceGrpc.newFutureStub(ch).withDeadline(d).moveLeader(request)))
        .thenApply(r -> Header.from(r.getHeader()));
  }

  /** The configured endpoint whose member is the leader. */
  public CompletableFuture<String> findLeaderEndpoint() {
    List<CompletableFuture<EndpointStatus>> all = failover.pool().endpoints().stream()
        .map(e -> status(e).exceptionally(t -> null)).toList();
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
      for (CompletableFuture<EndpointStatus> f : all) {
        EndpointStatus s = f.join();
        if (s != null && s.isLeader()) {
          return s.endpoint();
        }
      }
      throw new RaftKvException.NoLeaderException(io.grpc.Status.Code.UNAVAILABLE,
          "etcdserver: no leader (none of " + failover.pool().endpoints() + " is the leader)", "", null);
    });
  }

  /**
   * Streams a snapshot of the backend from one member to {@code target}, written to a temporary
   * file first and moved into place only when complete and, if the server appended its SHA-256,
   * verified. The file keeps the checksum, as etcdctl's does.
   */
  public CompletableFuture<SnapshotFile> snapshot(String endpoint, Path target, SnapshotProgress progress) {
    String ep = ChannelPool.hostPort(endpoint);
    CompletableFuture<SnapshotFile> result = new CompletableFuture<>();
    Path part;
    OutputStream out;
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      part = Files.createTempFile(dir, target.getFileName().toString(), ".part");
      out = Files.newOutputStream(part);
    } catch (IOException e) {
      result.completeExceptionally(new UncheckedIOException(e));
      return result;
    }
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(() -> MaintenanceGrpc.newStub(failover.pool().channel(ep))
        .snapshot(SnapshotRequest.getDefaultInstance(), new StreamObserver<SnapshotResponse>() {
          long written;

          @Override
          public void onNext(SnapshotResponse r) {
            try {
              r.getBlob().writeTo(out);
              written += r.getBlob().size();
              progress.onProgress(written, written + r.getRemainingBytes());
            } catch (IOException e) {
              ctx.cancel(e);
              fail(e);
            }
          }

          @Override
          public void onError(Throwable t) {
            fail(ErrorMapping.map(t, ep));
          }

          private void fail(Throwable t) {
            try {
              out.close();
              Files.deleteIfExists(part);
            } catch (IOException ignored) {
              // The failure being reported matters more.
            }
            result.completeExceptionally(t instanceof IOException io ? new UncheckedIOException(io) : t);
          }

          @Override
          public void onCompleted() {
            try {
              out.close();
              boolean verified = SnapshotChecksum.verify(part);
              Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
              result.complete(new SnapshotFile(target, Files.size(target), verified));
            } catch (IOException | RuntimeException e) {
              fail(e);
            }
          }
        }));
    return result;
  }
}
