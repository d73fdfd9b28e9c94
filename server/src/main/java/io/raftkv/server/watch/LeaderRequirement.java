package io.raftkv.server.watch;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Go clients mark watch streams with metadata {@code hasleader: true}: such a stream must be
 * refused while the node knows no leader. This interceptor carries the mark into the call's
 * context, where the service (which cannot see metadata) reads it.
 */
final class LeaderRequirement implements ServerInterceptor {
    static final Metadata.Key<String> HAS_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> REQUIRED = Context.key("raftkv-watch-requires-leader");

    static boolean requiredByCurrentCall() {
        return Boolean.TRUE.equals(REQUIRED.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                         ServerCallHandler<Q, R> next) {
        if (!"true".equals(headers.get(HAS_LEADER))) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(REQUIRED, true), call, headers, next);
    }
}
