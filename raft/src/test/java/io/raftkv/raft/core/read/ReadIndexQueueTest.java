package io.raftkv.raft.core.read;

import io.raftkv.raft.core.quorum.MajorityConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReadIndexQueueTest {
    private static final MajorityConfig VOTERS = new MajorityConfig(Set.of(1L, 2L, 3L));

    @Test
    void requestsQueuedTogetherShareOneRoundServedOnAQuorumOfAcks() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.enqueue(1, "a".getBytes());
        q.enqueue(2, "b".getBytes());
        byte[] round = q.startRound(7, 1).orElseThrow();
        assertThat(q.hasQueued()).isFalse();
        assertThat(q.startRound(8, 1)).isEmpty();
        List<ReadIndexQueue.ServedRead> served = q.recvAck(3, round, VOTERS);
        assertThat(served).extracting(s -> new String(s.request().context())).containsExactly("a", "b");
        assertThat(served).allSatisfy(s -> assertThat(s.index()).isEqualTo(7));
        assertThat(q.pendingCount()).isZero();
    }

    @Test
    void aLaterRoundsQuorumAlsoServesEarlierRounds() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.enqueue(1, "a".getBytes());
        byte[] first = q.startRound(5, 1).orElseThrow();
        q.enqueue(1, "b".getBytes());
        byte[] second = q.startRound(6, 1).orElseThrow();
        assertThat(q.recvAck(9, second, VOTERS)).isEmpty(); // 9 is no voter
        List<ReadIndexQueue.ServedRead> served = q.recvAck(2, second, VOTERS);
        assertThat(served).extracting(ReadIndexQueue.ServedRead::index).containsExactly(5L, 6L);
        assertThat(q.recvAck(3, first, VOTERS)).isEmpty(); // already served
    }
}
