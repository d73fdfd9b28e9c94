package io.raftkv.server.it;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A follower cut off from the others serves a stale serializable read (that is what
 * serializable means), while its linearizable read is refused rather than answered stale. The
 * cut: the follower is killed while the others write, then the others are frozen (SIGSTOP) and
 * the follower restarts from its data directory, alone with an old state. (Freezing the
 * follower instead would not do: the writes sent to it wait in its socket buffers and arrive
 * the moment it wakes.)
 */
class SerializableVersusLinearizableTest {
    @TempDir
    Path dir;

    @Test
    void isolatedFollowerServesStaleSerializableButNotLinearizableReads() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(dir, 3);
             EtcdStubs stubs = new EtcdStubs(cluster.endpoints())) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            int follower = (leader + 1) % 3;
            int other = (leader + 2) % 3;
            stubs.put(leader, "k", "old", 5_000);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    stubs.get(follower, "k", true, 2_000).getKvsCount() == 1);

            cluster.kill(follower);
            try {
                stubs.put(leader, "k", "new", 5_000); // committed by the leader and the other follower
                signal("STOP", cluster.pid(leader));
                signal("STOP", cluster.pid(other));
                cluster.startMember(follower);

                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        stubs.get(follower, "k", true, 2_000).getCount() == 1);
                assertThat(stubs.get(follower, "k", true, 2_000).getKvs(0).getValue().toStringUtf8())
                        .as("serializable read on the isolated follower is stale").isEqualTo("old");
                assertThatThrownBy(() -> stubs.get(follower, "k", false, 3_000))
                        .as("linearizable read on the isolated follower is refused")
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                                .isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
            } finally {
                signal("CONT", cluster.pid(leader));
                signal("CONT", cluster.pid(other));
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    stubs.get(follower, "k", false, 3_000).getKvs(0).getValue().toStringUtf8().equals("new"));
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
