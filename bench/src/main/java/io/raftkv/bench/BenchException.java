package io.raftkv.bench;

/** A failure the user can act on, printed as one line ("bench: ...") with a non-zero exit. */
public final class BenchException extends RuntimeException {
    public BenchException(String message) {
        super(message);
    }
}
