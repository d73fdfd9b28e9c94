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
    void undecodableDataBecomesAnEmptyRequestRatherThanACrash() {
        CommittedCommand command = CommittedCommand.ofNormalEntry(Entry.normal(3, 7, new byte[] {(byte) 0xFF, 1, 2}));
        assertThat(((CommittedCommand.Request) command).request().getRequestCase())
                .isEqualTo(InternalRequest.RequestCase.REQUEST_NOT_SET);
    }

    @Test
    void confChangeEntriesAreTheDriversToDecode() {
        assertThatThrownBy(() -> CommittedCommand.ofNormalEntry(new Entry(1, 1, Entry.Type.CONF_CHANGE, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
