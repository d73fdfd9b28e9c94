package io.raftkv.server.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member that was down while the others compacted their logs cannot be sent the entries it
 * missed: the leader streams it a snapshot of the state machine instead (chunked, CRC-checked),
 * the member installs it and continues from there.
 */
class SnapshotCatchUpTest {
    @TempDir
    Path dir;

    @Test
    void laggingMemberCatchesUpFromASnapshot() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(dir, 3, List.of("--snapshot-count", "40"));
             EtcdStubs stubs = new EtcdStubs(cluster.endpoints())) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            int lagging = (leader + 1) % 3;
            stubs.put(leader, "/snap/before", "x", 5_000);
            cluster.kill(lagging);

            for (int i = 0; i < 150; i++) {
                stubs.put(leader, String.format("/snap/%04d", i), "v" + i, 5_000);
            }
            // The survivors took snapshots and compacted their logs past what the lagging member has
            // (packing runs beside the apply thread, so the first archive may still be being written).
            await().atMost(Duration.ofSeconds(30)).until(() -> snapshotsIn(cluster.dataDir(leader)) > 0);

            cluster.startMember(lagging);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    stubs.prefix(lagging, "/snap/", true, 2_000).getCount() == 151);
            // It installed a snapshot received from the leader, and it keeps following the log afterwards.
            assertThat(snapshotsReceived(cluster.dataDir(lagging))).isGreaterThan(0);
            stubs.put(leader, "/snap/after", "y", 5_000);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    stubs.get(lagging, "/snap/after", true, 2_000).getCount() == 1);
        }
    }

    private static long snapshotsIn(Path dataDir) throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("snap/out"))) {
            return files.filter(p -> p.toString().endsWith(".pack")).count();
        }
    }

    private static long snapshotsReceived(Path dataDir) throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("snap/in"))) {
            return files.filter(p -> p.toString().endsWith(".pack")).count();
        }
    }
}
