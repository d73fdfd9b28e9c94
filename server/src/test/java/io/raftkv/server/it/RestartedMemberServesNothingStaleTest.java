package io.raftkv.server.it;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A restarted member serves no client until it has caught up with the cluster (etcd serves once
 * its publish entry is applied): not even a serializable read, which would otherwise answer from
 * the state it had when it died, older than what the cluster has since acknowledged. The cut:
 * the follower is killed while the others write, then the others are frozen (SIGSTOP) and the
 * follower restarts from its data directory, alone with an old state. Once the others wake, it
 * catches up and its first answer is the new value.
 */
class RestartedMemberServesNothingStaleTest {
    @TempDir
    Path dir;

    @Test
    void aRestartedFollowerThatCannotCatchUpServesNoReadAndIsNotHealthy() throws Exception {
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

                await().atMost(Duration.ofSeconds(60)).until(() -> health(cluster, follower) != null);
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() ->
                        !health(cluster, follower).contains("\"health\":\"true\""));
                for (boolean serializable : new boolean[] {true, false}) {
                    assertThatThrownBy(() -> stubs.get(follower, "k", serializable, 2_000))
                            .as("a %s read on the restarted, isolated follower", serializable ? "serializable" : "linearizable")
                            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                                    .isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
                }
            } finally {
                signal("CONT", cluster.pid(leader));
                signal("CONT", cluster.pid(other));
            }
            String first = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    stubs.get(follower, "k", true, 2_000).getKvs(0).getValue().toStringUtf8(), v -> v != null);
            assertThat(first).as("the caught-up follower's first serializable answer").isEqualTo("new");
            assertThat(health(cluster, follower)).contains("\"health\":\"true\"");
        }
    }

    /** The body of the member's /health, or null while its HTTP port does not answer. */
    private static String health(ProcessCluster cluster, int i) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cluster.httpPort(i) + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
