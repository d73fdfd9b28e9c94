package io.raftkv.client;

/**
 * One version of a key, as stored by the server.
 *
 * @param createRevision revision of the put that created this generation of the key
 * @param modRevision revision of the last put of the key
 * @param version 1 at creation, +1 per put; a delete ends the generation
 * @param lease the lease attached to the key, 0 for none
 */
public record KeyValue(
    ByteSequence key, ByteSequence value, long createRevision, long modRevision, long version, long lease) {

  static KeyValue from(io.raftkv.proto.mvcc.KeyValue kv) {
    return new KeyValue(
        ByteSequence.of(kv.getKey()),
        ByteSequence.of(kv.getValue()),
        kv.getCreateRevision(),
        kv.getModRevision(),
        kv.getVersion(),
        kv.getLease());
  }
}
