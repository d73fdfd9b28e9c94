package io.raftkv.server.api;

import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.raftkv.server.node.Proposer;
import io.raftkv.storage.mvcc.EtcdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** Finishes a unary call from a future, turning every failure into a clear etcd status. */
public final class Calls {
    private static final Logger log = LoggerFactory.getLogger(Calls.class);

    private Calls() {}

    static <T> void reply(CompletableFuture<T> future, StreamObserver<T> observer) {
        future.whenComplete((value, error) -> {
            if (error != null) {
                observer.onError(toStatus(error));
            } else {
                observer.onNext(value);
                observer.onCompleted();
            }
        });
    }

    /** Runs a synchronous handler, mapping its exceptions the same way. */
    static <T> void run(Supplier<T> handler, StreamObserver<T> observer) {
        T value;
        try {
            value = handler.get();
        } catch (RuntimeException e) {
            observer.onError(toStatus(e));
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }

    /** Any failure as the status a client sees: etcd's own errors unchanged, anything else INTERNAL. */
    public static StatusRuntimeException toStatus(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        if (t instanceof EtcdException e) {
            return Proposer.toStatus(e);
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return EtcdError.TIMEOUT.asException();
        }
        log.warn("unexpected failure serving a request", t);
        return Status.INTERNAL.withDescription("raftkv: " + t).asRuntimeException();
    }

    /** etcd refuses requests above --max-request-bytes with this exact error. */
    static void checkSize(MessageLite request, int maxRequestBytes) {
        if (request.getSerializedSize() > maxRequestBytes) {
            throw EtcdError.REQUEST_TOO_LARGE.asException();
        }
    }

    /** A gRPC future stub call as a CompletableFuture. */
    static <T> CompletableFuture<T> fromListenable(java.util.function.Function<io.grpc.ManagedChannel,
            com.google.common.util.concurrent.ListenableFuture<T>> call, io.grpc.ManagedChannel channel) {
        CompletableFuture<T> out = new CompletableFuture<>();
        com.google.common.util.concurrent.ListenableFuture<T> f = call.apply(channel);
        f.addListener(() -> {
            try {
                out.complete(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                out.completeExceptionally(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.completeExceptionally(e);
            }
        }, Runnable::run);
        return out;
    }
}
