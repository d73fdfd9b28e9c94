package io.raftkv.client;

import io.raftkv.proto.etcd.DeleteRangeRequest;

/** How a {@link KvClient#delete} selects keys, and whether it returns the deleted versions. */
public record DeleteOptions(boolean prefix, boolean fromKey, ByteSequence rangeEnd, boolean prevKv) {
  public static final DeleteOptions DEFAULT = new DeleteOptions(false, false, ByteSequence.EMPTY, false);

  public static DeleteOptions prefixed() {
    return new DeleteOptions(true, false, ByteSequence.EMPTY, false);
  }

  public static DeleteOptions fromKeyOn() {
    return new DeleteOptions(false, true, ByteSequence.EMPTY, false);
  }

  public static DeleteOptions range(ByteSequence end) {
    return new DeleteOptions(false, false, end, false);
  }

  public DeleteOptions withPrevKv() {
    return new DeleteOptions(prefix, fromKey, rangeEnd, true);
  }

  DeleteRangeRequest toRequest(ByteSequence key) {
    KeyRange r = KeyRange.resolve(key, prefix, fromKey, rangeEnd);
    return DeleteRangeRequest.newBuilder()
        .setKey(r.key().toByteString())
        .setRangeEnd(r.rangeEnd().toByteString())
        .setPrevKv(prevKv)
        .build();
  }
}
