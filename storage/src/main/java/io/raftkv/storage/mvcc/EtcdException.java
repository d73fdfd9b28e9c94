package io.raftkv.storage.mvcc;

import java.util.Objects;

/**
 * A request refused with one of etcd's errors. Thrown by reads and carried (not thrown) in
 * the apply results of a batch; the server turns it into a gRPC status of {@link #code()}
 * with {@link #getMessage()} as the description.
 */
public final class EtcdException extends RuntimeException {
    private final EtcdError error;

    public EtcdException(EtcdError error) {
        super(Objects.requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    public EtcdError error() {
        return error;
    }

    public StatusCode code() {
        return error.code();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EtcdException e && e.error == error;
    }

    @Override
    public int hashCode() {
        return error.hashCode();
    }
}
