package io.raftkv.server.recipes;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.DeleteRangeRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.lock.LockGrpc;
import io.raftkv.proto.lock.LockRequest;
import io.raftkv.proto.lock.LockResponse;
import io.raftkv.proto.lock.UnlockRequest;
import io.raftkv.proto.lock.UnlockResponse;
import io.raftkv.server.api.Calls;
import io.raftkv.server.node.RaftKvNode;

/**
 * etcd's server-side lock (v3lockpb), which jetcd's Lock client calls: the lock is held by the
 * lowest create revision under the lock name; the key is bound to the caller's lease, so a
 * crashed holder releases it when its lease expires.
 */
public final class LockService extends LockGrpc.LockImplBase {
    private final RaftKvNode node;
    private final KeyOwnership ownership;

    public LockService(RaftKvNode node) {
        this.node = node;
        this.ownership = new KeyOwnership(node);
    }

    @Override
    public void lock(LockRequest request, StreamObserver<LockResponse> response) {
        Context context = Context.current();
        var key = KeyOwnership.ownerKey(request.getName(), request.getLease());
        ownership.enqueue(key, com.google.protobuf.ByteString.EMPTY, request.getLease())
                .thenCompose(mine -> ownership.awaitTurn(request.getName(), mine, context::isCancelled))
                .whenComplete((v, error) -> {
                    if (error != null) {
                        response.onError(Calls.toStatus(error));
                    } else {
                        response.onNext(LockResponse.newBuilder().setHeader(node.header()).setKey(key).build());
                        response.onCompleted();
                    }
                });
    }

    @Override
    public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> response) {
        node.propose(InternalRequest.newBuilder()
                        .setDeleteRange(DeleteRangeRequest.newBuilder().setKey(request.getKey())).build())
                .whenComplete((m, error) -> {
                    if (error != null) {
                        response.onError(Calls.toStatus(error));
                    } else {
                        response.onNext(UnlockResponse.newBuilder().setHeader(node.header()).build());
                        response.onCompleted();
                    }
                });
    }
}
