package io.raftkv.client;

import io.raftkv.proto.mvcc.Event;
import java.util.Optional;

/**
 * One change of one key. For a DELETE, {@code kv().modRevision()} is the revision of the delete
 * and the value is empty; {@code prevKv} is present when the watch asked for it.
 */
public record WatchEvent(Type type, KeyValue kv, Optional<KeyValue> prevKv) {
  public enum Type { PUT, DELETE }

  public long revision() {
    return kv.modRevision();
  }

  static WatchEvent from(Event e) {
    return new WatchEvent(
        e.getType() == Event.EventType.DELETE ? Type.DELETE : Type.PUT,
        KeyValue.from(e.getKv()),
        e.hasPrevKv() ? Optional.of(KeyValue.from(e.getPrevKv())) : Optional.empty());
  }
}
