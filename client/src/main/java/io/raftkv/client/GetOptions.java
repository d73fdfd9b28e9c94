package io.raftkv.client;

import io.raftkv.proto.etcd.RangeRequest;

/**
 * How a {@link KvClient#get} reads: a key, a prefix, a range or everything from a key; at a past
 * revision; limited, sorted, keys or count only; linearizable (default) or serializable.
 */
public record GetOptions(
    boolean prefix,
    boolean fromKey,
    ByteSequence rangeEnd,
    long limit,
    long revision,
    SortOrder sortOrder,
    SortTarget sortTarget,
    boolean serializable,
    boolean keysOnly,
    boolean countOnly,
    long minModRevision,
    long maxModRevision,
    long minCreateRevision,
    long maxCreateRevision) {

  public static final GetOptions DEFAULT = builder().build();

  public enum SortOrder { NONE, ASCEND, DESCEND }

  public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

  public static Builder builder() {
    return new Builder();
  }

  RangeRequest toRequest(ByteSequence key) {
    KeyRange r = KeyRange.resolve(key, prefix, fromKey, rangeEnd);
    return RangeRequest.newBuilder()
        .setKey(r.key().toByteString())
        .setRangeEnd(r.rangeEnd().toByteString())
        .setLimit(limit)
        .setRevision(revision)
        .setSortOrder(RangeRequest.SortOrder.forNumber(sortOrder.ordinal()))
        .setSortTarget(RangeRequest.SortTarget.forNumber(sortTarget.ordinal()))
        .setSerializable(serializable)
        .setKeysOnly(keysOnly)
        .setCountOnly(countOnly)
        .setMinModRevision(minModRevision)
        .setMaxModRevision(maxModRevision)
        .setMinCreateRevision(minCreateRevision)
        .setMaxCreateRevision(maxCreateRevision)
        .build();
  }

  public static final class Builder {
    private boolean prefix;
    private boolean fromKey;
    private ByteSequence rangeEnd = ByteSequence.EMPTY;
    private long limit;
    private long revision;
    private SortOrder sortOrder = SortOrder.NONE;
    private SortTarget sortTarget = SortTarget.KEY;
    private boolean serializable;
    private boolean keysOnly;
    private boolean countOnly;
    private long minMod;
    private long maxMod;
    private long minCreate;
    private long maxCreate;

    /** Every key starting with the key given to get. */
    public Builder prefix() {
      this.prefix = true;
      return this;
    }

    /** Every key greater than or equal to the key given to get. */
    public Builder fromKey() {
      this.fromKey = true;
      return this;
    }

    /** Keys in [key, end). */
    public Builder rangeEnd(ByteSequence end) {
      this.rangeEnd = end;
      return this;
    }

    public Builder limit(long limit) {
      this.limit = limit;
      return this;
    }

    /** Read the store as it was at this revision (0 = now). */
    public Builder revision(long revision) {
      this.revision = revision;
      return this;
    }

    public Builder sort(SortTarget target, SortOrder order) {
      this.sortTarget = target;
      this.sortOrder = order;
      return this;
    }

    /** Read the answering member's local state without a quorum round: faster, possibly stale. */
    public Builder serializable() {
      this.serializable = true;
      return this;
    }

    public Builder keysOnly() {
      this.keysOnly = true;
      return this;
    }

    public Builder countOnly() {
      this.countOnly = true;
      return this;
    }

    public Builder modRevisionBetween(long min, long max) {
      this.minMod = min;
      this.maxMod = max;
      return this;
    }

    public Builder createRevisionBetween(long min, long max) {
      this.minCreate = min;
      this.maxCreate = max;
      return this;
    }

    public GetOptions build() {
      return new GetOptions(prefix, fromKey, rangeEnd, limit, revision, sortOrder, sortTarget,
          serializable, keysOnly, countOnly, minMod, maxMod, minCreate, maxCreate);
    }
  }
}
