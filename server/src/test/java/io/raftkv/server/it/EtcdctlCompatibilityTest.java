package io.raftkv.server.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * etcd's own command-line client, unmodified, against a 3-member RaftKV cluster of separate
 * processes: what an operator types must work exactly as it does against etcd.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdctlCompatibilityTest {
    @TempDir
    static Path dir;
    static ProcessCluster cluster;
    static Etcdctl etcdctl;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeThat(Etcdctl.installed()).as("etcdctl 3.4 (Debian etcd-client; scripts/test installs it)").isTrue();
        cluster = ProcessCluster.start(dir, 3);
        etcdctl = new Etcdctl(cluster.endpointList());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            System.out.println(cluster.tails());
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void putGetDeleteWithEtcdctlFlags() throws Exception {
        assertThat(etcdctl.run("put", "/app/a", "1").assertOk().out()).isEqualTo("OK\n");
        etcdctl.run("put", "/app/b", "22").assertOk();
        etcdctl.run("put", "/app/c", "333").assertOk();
        etcdctl.run("put", "/other", "x").assertOk();

        assertThat(etcdctl.run("get", "/app/a").assertOk().out()).isEqualTo("/app/a\n1\n");
        assertThat(etcdctl.run("get", "/app/", "--prefix").assertOk().out())
                .isEqualTo("/app/a\n1\n/app/b\n22\n/app/c\n333\n");
        assertThat(etcdctl.run("get", "/app/", "--prefix", "--limit=2").assertOk().out())
                .isEqualTo("/app/a\n1\n/app/b\n22\n");
        assertThat(etcdctl.run("get", "/app/", "--prefix", "--keys-only").assertOk().out())
                .isEqualTo("/app/a\n\n/app/b\n\n/app/c\n\n");
        assertThat(etcdctl.run("get", "/app/", "--prefix", "--sort-by=VALUE", "--order=DESCEND").assertOk().out())
                .isEqualTo("/app/c\n333\n/app/b\n22\n/app/a\n1\n");
        assertThat(etcdctl.run("get", "/app/", "--prefix", "-w", "json").assertOk().out()).contains("\"count\":3");

        long rev = revision(etcdctl.run("get", "/app/a", "-w", "json").assertOk().out());
        etcdctl.run("put", "/app/a", "changed").assertOk();
        assertThat(etcdctl.run("get", "/app/a", "--rev=" + rev).assertOk().out()).isEqualTo("/app/a\n1\n");
        assertThat(etcdctl.run("get", "/app/a").assertOk().out()).isEqualTo("/app/a\nchanged\n");

        assertThat(etcdctl.run("del", "/app/", "--prefix").assertOk().out()).isEqualTo("3\n");
        assertThat(etcdctl.run("get", "/app/", "--prefix").assertOk().out()).isEmpty();
        assertThat(etcdctl.run("get", "/other", "--rev=999999").err())
                .contains("etcdserver: mvcc: required revision is a future revision");
    }

    @Test
    @Order(2)
    void txnFromStdin() throws Exception {
        etcdctl.run("put", "flag", "on").assertOk();
        String txn = "value(\"flag\") = \"on\"\n\nput result yes\n\nput result no\n\n";
        assertThat(etcdctl.runWithInput(txn, "txn").assertOk().out()).isEqualTo("SUCCESS\n\nOK\n");
        assertThat(etcdctl.run("get", "result").assertOk().out()).isEqualTo("result\nyes\n");

        String failing = "mod(\"flag\") < \"1\"\n\nput result yes\n\nget flag\n\n";
        assertThat(etcdctl.runWithInput(failing, "txn").assertOk().out()).isEqualTo("FAILURE\n\nflag\non\n");
    }

    @Test
    @Order(3)
    void leases() throws Exception {
        String granted = etcdctl.run("lease", "grant", "60").assertOk().out();
        Matcher m = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(60s\\)").matcher(granted);
        assertThat(m.find()).as(granted).isTrue();
        String id = m.group(1);
        etcdctl.run("put", "leased", "v", "--lease=" + id).assertOk();

        assertThat(etcdctl.run("lease", "timetolive", id, "--keys").assertOk().out())
                .contains("lease " + id + " granted with TTL(60s)").contains("attached keys([leased])");
        assertThat(etcdctl.run("lease", "list").assertOk().out()).contains(id);
        assertThat(etcdctl.run("lease", "keep-alive", "--once", id).assertOk().out())
                .contains("lease " + id + " keepalived with TTL(60)");
        assertThat(etcdctl.run("lease", "revoke", id).assertOk().out()).contains("lease " + id + " revoked");
        assertThat(etcdctl.run("get", "leased").assertOk().out()).isEmpty();
        assertThat(etcdctl.run("lease", "timetolive", id).assertOk().out()).contains("already expired");
        assertThat(etcdctl.run("lease", "revoke", id).err()).contains("etcdserver: requested lease not found");
    }

    @Test
    @Order(4)
    void membersAndEndpoints() throws Exception {
        String members = etcdctl.run("member", "list").assertOk().out();
        assertThat(members.lines()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(members).contains("started, n" + i + ", ").contains(cluster.endpoint(i));
        }
        String status = etcdctl.run("endpoint", "status", "-w", "table").assertOk().out();
        assertThat(status).contains("3.5.0").contains("true");
        String health = etcdctl.run("endpoint", "health").assertOk().err();
        assertThat(health.lines().filter(l -> l.contains("is healthy"))).hasSize(3);
    }

    @Test
    @Order(5)
    void compactionAndDefrag() throws Exception {
        etcdctl.run("put", "c", "1").assertOk();
        long rev = revision(etcdctl.run("put", "c", "2", "-w", "json").assertOk().out());
        assertThat(etcdctl.run("compaction", Long.toString(rev)).assertOk().out()).contains("compacted revision " + rev);
        assertThat(etcdctl.run("get", "c", "--rev=" + (rev - 1)).err())
                .contains("etcdserver: mvcc: required revision has been compacted");
        assertThat(etcdctl.run("defrag").assertOk().out().lines().filter(l -> l.startsWith("Finished defragmenting")))
                .hasSize(3);
    }

    @Test
    @Order(6)
    void moveLeader() throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        int target = (leader + 1) % 3;
        String targetId = Long.toHexString(cluster.status(target).orElseThrow().getHeader().getMemberId());
        assertThat(etcdctl.run("move-leader", targetId).assertOk().out()).contains("Leadership transferred");
        assertThat(cluster.awaitLeader(Duration.ofSeconds(30))).isEqualTo(target);
    }

    @Test
    @Order(7)
    void snapshotSave() throws Exception {
        Path file = dir.resolve("backup.db");
        Etcdctl one = new Etcdctl(cluster.endpoint(0));
        assertThat(one.run("snapshot", "save", file.toString()).assertOk().out()).contains("Snapshot saved at");
        // etcd's format: payload padded to 512 bytes plus a trailing 32-byte SHA-256.
        assertThat((Files.size(file) - 32) % 512).isZero();
    }

    @Test
    @Order(8)
    void watchPrefixFromAPastRevisionWithPrevKv() throws Exception {
        long start = revision(etcdctl.run("put", "/w/a", "1", "-w", "json").assertOk().out());
        etcdctl.run("put", "/w/a", "2").assertOk();
        etcdctl.run("del", "/w/a").assertOk();

        String history = etcdctl.runUntil(13, Duration.ofSeconds(30), () -> { },
                "watch", "/w/", "--prefix", "--rev=" + start, "--prev-kv");
        // etcdctl prints each event's type, then prev_kv when present, then the kv.
        assertThat(history).isEqualTo("PUT\n/w/a\n1\n"
                + "PUT\n/w/a\n1\n/w/a\n2\n"
                + "DELETE\n/w/a\n2\n/w/a\n\n");
    }

    @Test
    @Order(9)
    void watchSeesLiveWritesFromAnotherMember() throws Exception {
        Etcdctl writer = new Etcdctl(cluster.endpoint(2));
        Etcdctl watcher = new Etcdctl(cluster.endpoint(0));
        // Watching from the next revision: the writes arrive whether the stream is created before
        // or after them (live or replayed), so the test does not race the watch's creation.
        long next = revision(writer.run("get", "/live/", "--prefix", "-w", "json").assertOk().out()) + 1;
        String live = watcher.runUntil(6, Duration.ofSeconds(30), () -> {
            try {
                writer.run("put", "/live/x", "1").assertOk();
                writer.run("put", "/other", "ignored").assertOk();
                writer.run("del", "/live/x").assertOk();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "watch", "/live/", "--prefix", "--rev=" + next);
        assertThat(live).isEqualTo("PUT\n/live/x\n1\nDELETE\n/live/x\n\n");
    }

    @Test
    @Order(10)
    void httpHealthVersionAndMetrics() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + cluster.httpPort(1);
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertThat(get.apply("/health").body()).isEqualTo("{\"health\":\"true\"}");
        assertThat(get.apply("/livez").body()).isEqualTo("ok");
        assertThat(get.apply("/readyz").body()).isEqualTo("ok");
        assertThat(get.apply("/version").body()).contains("\"etcdserver\":\"3.5.0\"");
        java.net.http.HttpResponse<String> metrics = get.apply("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        // etcdctl check datascale reads this exact metric.
        assertThat(metrics.body()).containsPattern("(?m)^process_resident_memory_bytes [1-9]");
        assertThat(metrics.body()).contains("etcd_server_has_leader 1.0");
        // etcd's names for what its dashboards chart: after the writes above, each has moved.
        assertThat(metrics.body())
                .containsPattern("(?m)^etcd_server_proposals_committed_total [1-9]")
                .containsPattern("(?m)^etcd_server_leader_changes_seen_total [1-9]")
                .containsPattern("(?m)^etcd_disk_wal_fsync_duration_seconds_count [1-9]")
                .containsPattern("(?m)^etcd_disk_backend_commit_duration_seconds_count [1-9]")
                .containsPattern("(?m)^grpc_server_handled_total\\{grpc_code=\"OK\",grpc_method=\"\\w+\","
                        + "grpc_service=\"etcdserverpb\\.\\w+\",grpc_type=\"unary\"} [1-9]")
                .contains("# HELP etcd_server_proposals_failed_total The total number of failed proposals seen.");
        // Peers are probed every 4 s, as etcd's prober does.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(get.apply("/metrics").body()).containsPattern(
                        "(?m)^etcd_network_peer_round_trip_time_seconds_count\\{To=\"[0-9a-f]+\"} [1-9]"));
    }

    @Test
    @Order(11)
    void grpcReflectionListsEtcdsServices() throws Exception {
        String target = cluster.endpoint(1).replaceFirst("^http://", "");
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            java.util.concurrent.CompletableFuture<java.util.List<String>> services =
                    new java.util.concurrent.CompletableFuture<>();
            var requests = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                    new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
                            services.complete(r.getListServicesResponse().getServiceList().stream()
                                    .map(io.grpc.reflection.v1.ServiceResponse::getName).toList());
                        }

                        @Override
                        public void onError(Throwable t) {
                            services.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {}
                    });
            requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
            assertThat(services.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .contains("etcdserverpb.KV", "etcdserverpb.Watch", "etcdserverpb.Lease", "grpc.health.v1.Health");
            requests.onCompleted();
        } finally {
            channel.shutdownNow();
        }
    }

    private static long revision(String json) {
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
