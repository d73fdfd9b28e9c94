package io.raftkv.client;

import java.util.List;

/** The events of one or more revisions, delivered together and in revision order. */
public record WatchBatch(Header header, List<WatchEvent> events) {
  public WatchBatch {
    events = List.copyOf(events);
  }
}
