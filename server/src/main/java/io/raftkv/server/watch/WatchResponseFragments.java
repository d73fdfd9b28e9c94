package io.raftkv.server.watch;

import io.raftkv.proto.etcd.WatchResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's fragmenting of a large watch response: consecutive events are packed while the part
 * stays under the limit (a single event larger than it travels alone), every part but the last
 * has fragment=true. A response under the limit, or with fewer than two events, is sent whole.
 */
final class WatchResponseFragments {
    private WatchResponseFragments() {}

    static List<WatchResponse> split(WatchResponse response, int limitBytes) {
        if (response.getSerializedSize() < limitBytes || response.getEventsCount() < 2) {
            return List.of(response);
        }
        WatchResponse empty = response.toBuilder().clearEvents().setFragment(true).build();
        int emptySize = empty.getSerializedSize();
        List<WatchResponse> parts = new ArrayList<>();
        WatchResponse.Builder current = empty.toBuilder();
        int currentSize = emptySize;
        for (var event : response.getEventsList()) {
            // Field 11 with a length prefix: the exact growth of the serialized part.
            int eventSize = com.google.protobuf.CodedOutputStream.computeMessageSize(11, event);
            if (current.getEventsCount() > 0 && currentSize + eventSize >= limitBytes) {
                parts.add(current.build());
                current = empty.toBuilder();
                currentSize = emptySize;
            }
            current.addEvents(event);
            currentSize += eventSize;
        }
        parts.add(current.setFragment(false).build());
        return parts;
    }
}
