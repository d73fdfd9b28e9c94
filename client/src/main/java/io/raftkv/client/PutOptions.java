package io.raftkv.client;

import io.raftkv.proto.etcd.PutRequest;

/**
 * How a {@link KvClient#put} writes.
 *
 * @param lease attach the key to this lease (0 = none; a put without a lease detaches the key from its old one)
 * @param prevKv return the key's previous version
 * @param ignoreValue keep the current value (the key must exist); the value given must be empty
 * @param ignoreLease keep the current lease (the key must exist); no lease may be given
 */
public record PutOptions(long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease) {
  public static final PutOptions DEFAULT = new PutOptions(0, false, false, false);

  public static PutOptions withLease(long lease) {
    return new PutOptions(lease, false, false, false);
  }

  public PutOptions withPrevKv() {
    return new PutOptions(lease, true, ignoreValue, ignoreLease);
  }

  public PutOptions withIgnoreValue() {
    return new PutOptions(lease, prevKv, true, ignoreLease);
  }

  public PutOptions withIgnoreLease() {
    return new PutOptions(lease, prevKv, ignoreValue, true);
  }

  PutRequest toRequest(ByteSequence key, ByteSequence value) {
    return PutRequest.newBuilder()
        .setKey(key.toByteString())
        .setValue(value.toByteString())
        .setLease(lease)
        .setPrevKv(prevKv)
        .setIgnoreValue(ignoreValue)
        .setIgnoreLease(ignoreLease)
        .build();
  }
}
