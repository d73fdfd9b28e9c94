package io.raftkv.server.recipes;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.CompletionException;

/** Error mapping shared by the lock and election services. */
final class Replies {
    private Replies() {}

    static StatusRuntimeException toStatus(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        return Status.UNKNOWN.withDescription(String.valueOf(t.getMessage())).asRuntimeException();
    }
}
