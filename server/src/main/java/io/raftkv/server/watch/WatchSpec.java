package io.raftkv.server.watch;

import io.raftkv.proto.etcd.WatchCreateRequest;
import io.raftkv.proto.mvcc.Event;
import java.util.ArrayList;
import java.util.List;

/** What one watcher asked for: its keys, which event types it skips, and its response options. */
record WatchSpec(WatchedKeys keys, boolean noPut, boolean noDelete, boolean prevKv, boolean progressNotify,
                 boolean fragment) {

    static WatchSpec of(WatchCreateRequest request) {
        boolean noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
        boolean noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
        return new WatchSpec(new WatchedKeys(request.getKey(), request.getRangeEnd()), noPut, noDelete,
                request.getPrevKv(), request.getProgressNotify(), request.getFragment());
    }

    /**
     * The events of {@code events} (in revision order) this watcher must see: at or after
     * {@code fromRevision}, on its keys, not filtered out, prev_kv only if it asked for it.
     */
    List<Event> select(List<Event> events, long fromRevision) {
        List<Event> selected = List.of();
        for (Event event : events) {
            if (event.getKv().getModRevision() < fromRevision || !keys.contains(event.getKv().getKey())) {
                continue;
            }
            boolean isPut = event.getType() == Event.EventType.PUT;
            if (isPut ? noPut : noDelete) {
                continue;
            }
            if (selected.isEmpty()) {
                selected = new ArrayList<>();
            }
            selected.add(!prevKv && event.hasPrevKv() ? event.toBuilder().clearPrevKv().build() : event);
        }
        return selected;
    }
}
