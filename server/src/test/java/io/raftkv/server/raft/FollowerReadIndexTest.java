package io.raftkv.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.raftkv.raft.core.Message;
import io.raftkv.server.api.EtcdError;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A follower's ReadIndex round the leader never answers (the request is lost) must not wait for a leader change. */
class FollowerReadIndexTest {

    @Test
    void aFollowerWhoseReadIndexRequestIsLostAsksAgainAndGetsItsIndex() throws Exception {
        try (DriverCluster cluster = new DriverCluster(3)) {
            long follower = cluster.aFollower();
            long term = cluster.driver(follower).status().term();
            AtomicBoolean lost = new AtomicBoolean();
            cluster.drop(m -> m instanceof Message.ReadIndexRequest && lost.compareAndSet(false, true));

            CompletableFuture<Long> read = cluster.driver(follower).readIndex();

            assertThat(read).succeedsWithin(Duration.ofSeconds(4));
            assertThat(lost).isTrue();
            assertThat(cluster.driver(follower).status().term()).isEqualTo(term);
        }
    }

    @Test
    void aFollowerWhoseReadIndexRequestsAreAllLostFailsItsReadWithEtcdsTimeout() throws Exception {
        try (DriverCluster cluster = new DriverCluster(3)) {
            long follower = cluster.aFollower();
            cluster.drop(m -> m instanceof Message.ReadIndexRequest);

            CompletableFuture<Long> read = cluster.driver(follower).readIndex();

            assertThat(read).failsWithin(Duration.ofSeconds(15)).withThrowableThat()
                    .satisfies(t -> assertThat(EtcdError.of(Status.fromThrowable(t))).contains(EtcdError.TIMEOUT));
        }
    }
}
