package io.raftkv.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.proto.etcd.WatchResponse;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.proto.mvcc.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchResponseFragmentsTest {
    private static Event event(int i, int valueBytes) {
        return Event.newBuilder().setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k" + i))
                .setValue(ByteString.copyFrom(new byte[valueBytes])).setModRevision(9)).build();
    }

    private static WatchResponse response(Event... events) {
        return WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(9)).setWatchId(3)
                .addAllEvents(List.of(events)).build();
    }

    @Test
    void smallResponsesAndSingleEventsAreSentWhole() {
        WatchResponse small = response(event(1, 10), event(2, 10));
        assertThat(WatchResponseFragments.split(small, 1000)).containsExactly(small);
        WatchResponse single = response(event(1, 5000));
        assertThat(WatchResponseFragments.split(single, 1000)).containsExactly(single);
    }

    @Test
    void partsStayUnderTheLimitAndOnlyTheLastIsNotMarked() {
        WatchResponse big = response(event(1, 300), event(2, 300), event(3, 300), event(4, 2000), event(5, 300));
        List<WatchResponse> parts = WatchResponseFragments.split(big, 1000);
        assertThat(parts).extracting(WatchResponse::getEventsCount).containsExactly(3, 1, 1);
        assertThat(parts).extracting(WatchResponse::getFragment).containsExactly(true, true, false);
        assertThat(parts.get(0).getSerializedSize()).isLessThan(1000);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.getWatchId()).isEqualTo(3);
            assertThat(p.getHeader().getRevision()).isEqualTo(9);
        });
        assertThat(parts.stream().flatMap(p -> p.getEventsList().stream()).toList()).isEqualTo(big.getEventsList());
    }
}
