package io.raftkv.client;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable sequence of bytes: a key or a value. etcd keys and values are arbitrary bytes;
 * {@link #toString()} decodes them as UTF-8 for display only.
 */
public final class ByteSequence implements Comparable<ByteSequence> {
  public static final ByteSequence EMPTY = new ByteSequence(ByteString.EMPTY);

  private final ByteString bytes;

  private ByteSequence(ByteString bytes) {
    this.bytes = bytes;
  }

  public static ByteSequence of(String utf8) {
    return new ByteSequence(ByteString.copyFromUtf8(utf8));
  }

  public static ByteSequence of(byte[] bytes) {
    return new ByteSequence(ByteString.copyFrom(bytes));
  }

  public static ByteSequence of(ByteString bytes) {
    return bytes.isEmpty() ? EMPTY : new ByteSequence(bytes);
  }

  public ByteString toByteString() {
    return bytes;
  }

  public byte[] toByteArray() {
    return bytes.toByteArray();
  }

  public String toStringUtf8() {
    return bytes.toStringUtf8();
  }

  public int size() {
    return bytes.size();
  }

  public boolean isEmpty() {
    return bytes.isEmpty();
  }

  public ByteSequence concat(ByteSequence other) {
    return new ByteSequence(bytes.concat(other.bytes));
  }

  public boolean startsWith(ByteSequence prefix) {
    return bytes.startsWith(prefix.bytes);
  }

  /**
   * The range end that selects every key starting with this prefix, computed like etcd's
   * {@code clientv3.GetPrefixRangeEnd}: the last byte below 0xff is incremented and the rest
   * dropped; a prefix of only 0xff bytes (or the empty prefix) selects every key ("\0").
   */
  public ByteSequence prefixEnd() {
    byte[] end = bytes.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return of(Arrays.copyOf(end, i + 1));
      }
    }
    return of(new byte[] {0});
  }

  @Override
  public int compareTo(ByteSequence o) {
    return ByteString.unsignedLexicographicalComparator().compare(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteSequence other && bytes.equals(other.bytes);
  }

  @Override
  public int hashCode() {
    return bytes.hashCode();
  }

  @Override
  public String toString() {
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }
}
