package io.raftkv.storage.mvcc;

/**
 * The gRPC status codes etcd uses for its errors. Storage must not depend on gRPC, so this
 * mirrors {@code io.grpc.Status.Code} by name; the server maps it with {@code valueOf(name())}.
 */
public enum StatusCode {
    INVALID_ARGUMENT,
    NOT_FOUND,
    FAILED_PRECONDITION,
    OUT_OF_RANGE,
    RESOURCE_EXHAUSTED,
    UNAVAILABLE,
    INTERNAL
}
