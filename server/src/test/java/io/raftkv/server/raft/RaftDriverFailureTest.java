package io.raftkv.server.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SoftState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A Raft thread that fails stops, fails what waits on it, and tells the node to fail-stop. */
class RaftDriverFailureTest {

    @Test
    void aFailureOnTheRaftThreadStopsItAndReachesTheListener() throws Exception {
        AtomicReference<Throwable> reported = new AtomicReference<>();
        IllegalStateException broken = new IllegalStateException("apply queue broken");
        try (DriverCluster cluster = new DriverCluster(1, id -> new RaftDriverListener() {
            @Override
            public void onCommitted(List<Entry> entries, Map<Long, ConfState> confStates) {
                if (entries.stream().anyMatch(e -> e.type() == Entry.Type.NORMAL && e.data().length > 0)) {
                    throw broken;
                }
            }

            @Override
            public void onSnapshotReceived(Snapshot snapshot) {}

            @Override
            public void onSoftState(SoftState state, long term) {}

            @Override
            public void onFailure(Throwable cause) {
                reported.set(cause);
            }
        })) {
            RaftDriver driver = cluster.driver(cluster.awaitLeader());
            assertThat(driver.isRunning()).isTrue();

            driver.propose(new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(10)).until(() -> reported.get() != null);
            assertThat(reported.get()).isSameAs(broken);
            assertThat(driver.isRunning()).isFalse();
            // Nothing waits forever on a stopped Raft thread.
            assertThatThrownBy(() -> driver.readIndex().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }
}
