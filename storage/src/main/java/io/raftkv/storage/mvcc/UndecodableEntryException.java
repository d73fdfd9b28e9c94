package io.raftkv.storage.mvcc;

/**
 * A committed entry this node cannot decode: a corrupt log or one written by an incompatible
 * version. Applying it as anything would let replicas diverge, so the node must stop applying
 * and an operator must look at the entry named here.
 */
public final class UndecodableEntryException extends RuntimeException {
    private final long index;
    private final long term;

    UndecodableEntryException(long index, long term, int bytes, String detail, Throwable cause) {
        super("committed entry at index " + index + " (term " + term + ", " + bytes + " bytes) " + detail
                + "; refusing to apply it: the log is corrupt or was written by an incompatible version", cause);
        this.index = index;
        this.term = term;
    }

    public long index() {
        return index;
    }

    public long term() {
        return term;
    }
}
