package io.raftkv.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.raft.core.Entry;
import org.junit.jupiter.api.Test;

class CommittedCommandTest {
    @Test
    void emptyDataIsTheLeadersNoop() {
        assertThat(CommittedCommand.ofNormalEntry(Entry.normal(3, 7, new byte[0])))
                .isEqualTo(new CommittedCommand.Noop(7, 3));
    }

    @Test
    void dataDecodesToTheInternalRequest() {
        InternalRequest request = Requests.of(Requests.put("k", "v")).toBuilder().setId(12).build();
        assertThat(CommittedCommand.ofNormalEntry(Entry.normal(3, 7, request.toByteArray())))
                .isEqualTo(new CommittedCommand.Request(7, 3, request));
    }

    @Test
    void undecodableDataIsRefusedNamingTheEntry() {
        // Applied as anything, corruption or version skew would let replicas diverge silently.
        assertThatThrownBy(() -> CommittedCommand.ofNormalEntry(Entry.normal(3, 7, new byte[] {(byte) 0xFF, 1, 2})))
                .hasMessageContaining("index 7")
                .hasMessageContaining("term 3");
    }

    @Test
    void aRequestOfAKindThisVersionDoesNotKnowIsRefused() {
        // Field 99: a request kind added by a later version; it parses, with no request set.
        byte[] unknownKind = InternalRequest.newBuilder().setId(5).setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder().addField(99,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())
                .build().toByteArray();
        assertThatThrownBy(() -> CommittedCommand.ofNormalEntry(Entry.normal(4, 9, unknownKind)))
                .hasMessageContaining("index 9")
                .hasMessageContaining("term 4")
                .hasMessageContaining("99");
    }

    @Test
    void confChangeEntriesAreTheDriversToDecode() {
        assertThatThrownBy(() -> CommittedCommand.ofNormalEntry(new Entry(1, 1, Entry.Type.CONF_CHANGE, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
