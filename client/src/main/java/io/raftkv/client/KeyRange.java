package io.raftkv.client;

/**
 * A key and the end of the range it starts, resolved the way etcdctl does: {@code --prefix}
 * selects {@code [key, prefixEnd(key))} (every key when the prefix is empty), {@code --from-key}
 * selects {@code [key, "\0")}, an explicit end selects {@code [key, end)}, and nothing selects
 * the one key.
 */
record KeyRange(ByteSequence key, ByteSequence rangeEnd) {
  static final ByteSequence ALL = ByteSequence.of(new byte[] {0});

  static KeyRange resolve(ByteSequence key, boolean prefix, boolean fromKey, ByteSequence explicitEnd) {
    if (prefix) {
      return key.isEmpty() ? new KeyRange(ALL, ALL) : new KeyRange(key, key.prefixEnd());
    }
    if (fromKey) {
      return new KeyRange(key.isEmpty() ? ALL : key, ALL);
    }
    return new KeyRange(key, explicitEnd);
  }
}
