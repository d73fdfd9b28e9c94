package io.raftkv.server.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Membership through etcd's own CLI, backed by Raft membership changes: add a learner, start
 * it, let it catch up, promote it to a voter, then remove it.
 */
class MembershipChangeTest {
    @TempDir
    Path dir;

    @Test
    void addLearnerPromoteAndRemove() throws Exception {
        assumeThat(Etcdctl.installed()).as("etcdctl 3.4 (scripts/test installs it)").isTrue();
        try (ProcessCluster cluster = ProcessCluster.startWithSpares(dir, 4, 3);
             EtcdStubs stubs = new EtcdStubs(cluster.endpoints())) {
            Etcdctl etcdctl = new Etcdctl(String.join(",", cluster.endpoints().subList(0, 3)));
            etcdctl.run("put", "/m/before", "1").assertOk();

            String added = etcdctl.run("member", "add", "n3", "--learner", "--peer-urls=" + cluster.peerUrl(3))
                    .assertOk().out();
            Matcher m = Pattern.compile("Member\\s+([0-9a-f]+)\\s+added to cluster").matcher(added);
            assertThat(m.find()).as(added).isTrue();
            String id = m.group(1);

            cluster.startMember(3);
            // The learner receives the log but serves only serializable reads.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    stubs.get(3, "/m/before", true, 2_000).getCount() == 1);
            // Like etcd, it shows as "unstarted" until it has announced its name and URLs through the log.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    etcdctl.run("member", "list").assertOk().out().contains(id + ", started, n3, "));
            assertThat(etcdctl.run("member", "list").assertOk().out()).contains(", true\n");

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    etcdctl.run("member", "promote", id).exitCode() == 0);
            String listed = etcdctl.run("member", "list").assertOk().out();
            assertThat(listed.lines()).hasSize(4).allSatisfy(l -> assertThat(l).endsWith(", false"));
            // A voter now: it serves linearizable reads and takes writes.
            stubs.put(3, "/m/after", "2", 10_000);
            assertThat(stubs.get(0, "/m/after", false, 5_000).getCount()).isEqualTo(1);

            assertThat(etcdctl.run("member", "remove", id).assertOk().out()).contains(id + " removed from cluster");
            assertThat(etcdctl.run("member", "list").assertOk().out().lines()).hasSize(3);
            etcdctl.run("put", "/m/removed", "3").assertOk();

            // Replacing it: wiped and added again with the same peer URLs, it gets a fresh id (a
            // removed member's id is never reused, as in etcd), which it learns from the cluster.
            cluster.kill(3);
            deleteRecursively(cluster.dataDir(3));
            String readded = etcdctl.run("member", "add", "n3", "--learner", "--peer-urls=" + cluster.peerUrl(3))
                    .assertOk().out();
            Matcher again = Pattern.compile("Member\\s+([0-9a-f]+)\\s+added to cluster").matcher(readded);
            assertThat(again.find()).as(readded).isTrue();
            String newId = again.group(1);
            assertThat(newId).as("the id of the re-added member").isNotEqualTo(id);
            cluster.startMember(3);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    stubs.get(3, "/m/removed", true, 2_000).getCount() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    etcdctl.run("member", "list").assertOk().out().contains(newId + ", started, n3, "));
        }
    }

    private static void deleteRecursively(Path root) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
