package io.raftkv.storage.log;

/**
 * A stored record failed its checksum or does not decode. Thrown by the record formats and turned
 * into a {@link CorruptLogException} (with the directory and file) by the store.
 */
final class MalformedRecordException extends Exception {
    MalformedRecordException(String detail) {
        super(detail);
    }
}
