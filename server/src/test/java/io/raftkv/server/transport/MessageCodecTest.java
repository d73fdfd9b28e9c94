package io.raftkv.server.transport;

import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {

    private static final byte[] CTX = {1, 2, 3};

    @Test
    void everyMessageTypeSurvivesTheWire() throws Exception {
        List<Message> all = List.of(
                new Message.VoteRequest(1, 2, 7, true, 40, 6, false),
                new Message.VoteRequest(1, 2, 7, false, 40, 6, true),
                new Message.VoteResponse(2, 1, 7, true, true),
                new Message.AppendRequest(1, 3, 7, 10, 6, List.of(
                        Entry.normal(7, 11, new byte[] {9}),
                        new Entry(7, 12, Entry.Type.CONF_CHANGE, new byte[] {0, 1})), 9),
                new Message.AppendResponse(3, 1, 7, true, 10, 8, 5),
                new Message.HeartbeatRequest(1, 2, 7, 9, CTX),
                new Message.HeartbeatResponse(2, 1, 7, CTX),
                new Message.InstallSnapshotRequest(1, 2, 7, new Snapshot(
                        new SnapshotMetadata(100, 6, new ConfState(Set.of(1L, 2L), Set.of(4L))), new byte[] {5})),
                new Message.TimeoutNow(1, 2, 7),
                new Message.ReadIndexRequest(2, 1, 7, CTX),
                new Message.ReadIndexResponse(1, 2, 7, 55, CTX, false));

        for (Message m : all) {
            RaftMessage wire = RaftMessage.parseFrom(MessageCodec.encode(m).toByteArray());
            Message back = MessageCodec.decode(wire);
            // Records holding byte[] compare by identity, so compare the re-encoded forms.
            assertThat(MessageCodec.encode(back)).as(m.toString()).isEqualTo(MessageCodec.encode(m));
            assertThat(back.getClass()).isEqualTo(m.getClass());
        }
        Message.AppendRequest append = (Message.AppendRequest) MessageCodec.decode(MessageCodec.encode(all.get(3)));
        assertThat(append.entries()).isEqualTo(((Message.AppendRequest) all.get(3)).entries());
    }

    @Test
    void unknownMessageTypeIsRefusedWithTheSender() {
        RaftMessage future = RaftMessage.newBuilder().setTypeValue(99).setFrom(0xabc).build();
        assertThatThrownBy(() -> MessageCodec.decode(future)).hasMessageContaining("99").hasMessageContaining("abc");
    }
}
