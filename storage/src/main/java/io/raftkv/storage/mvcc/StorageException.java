package io.raftkv.storage.mvcc;

/**
 * A failure of the disk or of RocksDB (not of a client request): the node cannot go on
 * applying safely and should stop. Says which store and which operation failed.
 */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
