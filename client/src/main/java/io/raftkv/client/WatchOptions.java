package io.raftkv.client;

import io.raftkv.proto.etcd.WatchCreateRequest;

/**
 * What a watch observes: a key, a prefix, a range or everything from a key; from which
 * revision (0 = from now; a past revision replays history); with previous versions; without
 * puts or deletes; with periodic progress notifications.
 */
public record WatchOptions(
    boolean prefix,
    boolean fromKey,
    ByteSequence rangeEnd,
    long startRevision,
    boolean prevKv,
    boolean noPut,
    boolean noDelete,
    boolean progressNotify) {

  public static final WatchOptions DEFAULT =
      new WatchOptions(false, false, ByteSequence.EMPTY, 0, false, false, false, false);

  public WatchOptions withPrefix() {
    return new WatchOptions(true, fromKey, rangeEnd, startRevision, prevKv, noPut, noDelete, progressNotify);
  }

  public WatchOptions withFromKey() {
    return new WatchOptions(prefix, true, rangeEnd, startRevision, prevKv, noPut, noDelete, progressNotify);
  }

  public WatchOptions withRangeEnd(ByteSequence end) {
    return new WatchOptions(prefix, fromKey, end, startRevision, prevKv, noPut, noDelete, progressNotify);
  }

  public WatchOptions withStartRevision(long rev) {
    return new WatchOptions(prefix, fromKey, rangeEnd, rev, prevKv, noPut, noDelete, progressNotify);
  }

  public WatchOptions withPrevKv() {
    return new WatchOptions(prefix, fromKey, rangeEnd, startRevision, true, noPut, noDelete, progressNotify);
  }

  public WatchOptions withNoPut() {
    return new WatchOptions(prefix, fromKey, rangeEnd, startRevision, prevKv, true, noDelete, progressNotify);
  }

  public WatchOptions withNoDelete() {
    return new WatchOptions(prefix, fromKey, rangeEnd, startRevision, prevKv, noPut, true, progressNotify);
  }

  public WatchOptions withProgressNotify() {
    return new WatchOptions(prefix, fromKey, rangeEnd, startRevision, prevKv, noPut, noDelete, true);
  }

  WatchCreateRequest toCreateRequest(ByteSequence key, long fromRevision) {
    KeyRange r = KeyRange.resolve(key, prefix, fromKey, rangeEnd);
    WatchCreateRequest.Builder b = WatchCreateRequest.newBuilder()
        .setKey(r.key().toByteString())
        .setRangeEnd(r.rangeEnd().toByteString())
        .setStartRevision(fromRevision)
        .setPrevKv(prevKv)
        .setProgressNotify(progressNotify)
        .setFragment(true);
    if (noPut) {
      b.addFilters(WatchCreateRequest.FilterType.NOPUT);
    }
    if (noDelete) {
      b.addFilters(WatchCreateRequest.FilterType.NODELETE);
    }
    return b.build();
  }
}
