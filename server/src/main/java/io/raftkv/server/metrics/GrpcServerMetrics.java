package io.raftkv.server.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server-side gRPC metrics etcd exports (go-grpc-prometheus): calls started, calls handled
 * by code, and the handling time, labelled by type, service and method as etcd labels them.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
    /** Prometheus' default buckets, which go-grpc-prometheus uses. */
    private static final Duration[] HANDLING_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Map<String, MethodMeters> byMethod = new ConcurrentHashMap<>();

    public GrpcServerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
        MethodMeters meters = byMethod.computeIfAbsent(method.getFullMethodName(), n -> new MethodMeters(method));
        meters.started.increment();
        long start = System.nanoTime();
        AtomicBoolean recorded = new AtomicBoolean();
        ServerCall<ReqT, RespT> measured = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (recorded.compareAndSet(false, true)) {
                    meters.handled(status.getCode(), System.nanoTime() - start);
                }
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(measured, headers)) {
            @Override
            public void onCancel() {
                // The client went away (a closed watch stream): the call ends without close().
                if (recorded.compareAndSet(false, true)) {
                    meters.handled(Status.Code.CANCELLED, System.nanoTime() - start);
                }
                super.onCancel();
            }
        };
    }

    /** The meters of one method; those of each status code are made when the code first occurs. */
    private final class MethodMeters {
        final Tags tags;
        final Counter started;
        final AtomicReferenceArray<Counter> handled = new AtomicReferenceArray<>(Status.Code.values().length);
        final Timer handling;

        MethodMeters(MethodDescriptor<?, ?> method) {
            tags = Tags.of("grpc_type", type(method.getType()),
                    "grpc_service", String.valueOf(method.getServiceName()),
                    "grpc_method", String.valueOf(method.getBareMethodName()));
            started = Counter.builder("grpc.server.started").tags(tags)
                    .description("Total number of RPCs started on the server.").register(registry);
            handling = Timer.builder("grpc.server.handling").tags(tags).serviceLevelObjectives(HANDLING_BUCKETS)
                    .description("Histogram of response latency (seconds) of gRPC that had been application-level"
                            + " handled by the server.").register(registry);
        }

        void handled(Status.Code code, long nanos) {
            Counter c = handled.get(code.ordinal());
            if (c == null) {
                c = Counter.builder("grpc.server.handled").tags(tags).tag("grpc_code", etcdCodeName(code))
                        .description("Total number of RPCs completed on the server, regardless of success or failure.")
                        .register(registry);
                handled.set(code.ordinal(), c); // registering twice returns the same counter
            }
            c.increment();
            handling.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static String type(MethodDescriptor.MethodType type) {
        return switch (type) {
            case UNARY -> "unary";
            case CLIENT_STREAMING -> "client_stream";
            case SERVER_STREAMING -> "server_stream";
            case BIDI_STREAMING -> "bidi_stream";
            case UNKNOWN -> "unknown";
        };
    }

    /** Go's names for the codes (codes.Code.String()): "OK", "Canceled", "InvalidArgument", ... */
    static String etcdCodeName(Status.Code code) {
        return switch (code) {
            case OK -> "OK";
            case CANCELLED -> "Canceled";
            case UNKNOWN -> "Unknown";
            case INVALID_ARGUMENT -> "InvalidArgument";
            case DEADLINE_EXCEEDED -> "DeadlineExceeded";
            case NOT_FOUND -> "NotFound";
            case ALREADY_EXISTS -> "AlreadyExists";
            case PERMISSION_DENIED -> "PermissionDenied";
            case RESOURCE_EXHAUSTED -> "ResourceExhausted";
            case FAILED_PRECONDITION -> "FailedPrecondition";
            case ABORTED -> "Aborted";
            case OUT_OF_RANGE -> "OutOfRange";
            case UNIMPLEMENTED -> "Unimplemented";
            case INTERNAL -> "Internal";
            case UNAVAILABLE -> "Unavailable";
            case DATA_LOSS -> "DataLoss";
            case UNAUTHENTICATED -> "Unauthenticated";
        };
    }
}
