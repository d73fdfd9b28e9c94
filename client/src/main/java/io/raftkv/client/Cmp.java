package io.raftkv.client;

import io.raftkv.proto.etcd.Compare;

/**
 * One comparison of a transaction's guard: {@code Cmp.modRevision(key).eq(rev)},
 * {@code Cmp.value(key).notEq(v)}, {@code Cmp.createRevision(key).eq(0)} (the key is absent).
 * A comparison over a range ({@link Target#withPrefix()}) holds when it holds for every key in it.
 */
public record Cmp(Compare proto) {

  public static Target version(ByteSequence key) {
    return new Target(Compare.CompareTarget.VERSION, key);
  }

  public static Target createRevision(ByteSequence key) {
    return new Target(Compare.CompareTarget.CREATE, key);
  }

  public static Target modRevision(ByteSequence key) {
    return new Target(Compare.CompareTarget.MOD, key);
  }

  /** Compares the value; a missing key makes any value comparison false. */
  public static Target value(ByteSequence key) {
    return new Target(Compare.CompareTarget.VALUE, key);
  }

  public static Target lease(ByteSequence key) {
    return new Target(Compare.CompareTarget.LEASE, key);
  }

  /** The left-hand side of a comparison: what of which keys is compared. */
  public static final class Target {
    private final Compare.CompareTarget target;
    private final ByteSequence key;
    private ByteSequence rangeEnd = ByteSequence.EMPTY;

    private Target(Compare.CompareTarget target, ByteSequence key) {
      this.target = target;
      this.key = key;
    }

    public Target withPrefix() {
      KeyRange r = KeyRange.resolve(key, true, false, ByteSequence.EMPTY);
      this.rangeEnd = r.rangeEnd();
      return this;
    }

    public Target withRange(ByteSequence end) {
      this.rangeEnd = end;
      return this;
    }

    public Cmp eq(long v) {
      return numeric(Compare.CompareResult.EQUAL, v);
    }

    public Cmp notEq(long v) {
      return numeric(Compare.CompareResult.NOT_EQUAL, v);
    }

    public Cmp greater(long v) {
      return numeric(Compare.CompareResult.GREATER, v);
    }

    public Cmp less(long v) {
      return numeric(Compare.CompareResult.LESS, v);
    }

    public Cmp eq(ByteSequence v) {
      return bytes(Compare.CompareResult.EQUAL, v);
    }

    public Cmp notEq(ByteSequence v) {
      return bytes(Compare.CompareResult.NOT_EQUAL, v);
    }

    public Cmp greater(ByteSequence v) {
      return bytes(Compare.CompareResult.GREATER, v);
    }

    public Cmp less(ByteSequence v) {
      return bytes(Compare.CompareResult.LESS, v);
    }

    public Cmp eq(String v) {
      return eq(ByteSequence.of(v));
    }

    private Compare.Builder base(Compare.CompareResult result) {
      return Compare.newBuilder().setTarget(target).setResult(result)
          .setKey(key.toByteString()).setRangeEnd(rangeEnd.toByteString());
    }

    private Cmp numeric(Compare.CompareResult result, long v) {
      Compare.Builder b = base(result);
      switch (target) {
        case VERSION -> b.setVersion(v);
        case CREATE -> b.setCreateRevision(v);
        case MOD -> b.setModRevision(v);
        case LEASE -> b.setLease(v);
        default -> throw new IllegalArgumentException("a value comparison needs bytes, not a number");
      }
      return new Cmp(b.build());
    }

    private Cmp bytes(Compare.CompareResult result, ByteSequence v) {
      if (target != Compare.CompareTarget.VALUE) {
        throw new IllegalArgumentException(target + " comparisons need a number, not bytes");
      }
      return new Cmp(base(result).setValue(v.toByteString()).build());
    }
  }
}
