package io.raftkv.server.it;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** jetcd, the Java etcd client nobody here wrote, against a 3-member RaftKV cluster of processes. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JetcdCompatibilityTest {
    @TempDir
    static Path dir;
    static ProcessCluster cluster;
    static Client client;

    @BeforeAll
    static void start() throws Exception {
        cluster = ProcessCluster.start(dir, 3);
        client = Client.builder().endpoints(cluster.endpoints().stream().map(e -> "http://" + e).toArray(String[]::new))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            System.out.println(cluster.tails());
            cluster.close();
        }
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void kvAndTxn() throws Exception {
        var kv = client.getKVClient();
        kv.put(bs("/j/a"), bs("1")).get(10, TimeUnit.SECONDS);
        kv.put(bs("/j/b"), bs("2")).get(10, TimeUnit.SECONDS);
        GetResponse all = kv.get(bs("/j/"), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
        assertThat(all.getKvs()).extracting(k -> k.getKey().toString()).containsExactly("/j/a", "/j/b");
        assertThat(all.getCount()).isEqualTo(2);
        long rev = all.getKvs().get(0).getModRevision();

        TxnResponse txn = kv.txn().If(new Cmp(bs("/j/a"), Cmp.Op.EQUAL, CmpTarget.modRevision(rev)))
                .Then(Op.put(bs("/j/a"), bs("swapped"), PutOption.DEFAULT))
                .Else(Op.get(bs("/j/a"), GetOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);
        assertThat(txn.isSucceeded()).isTrue();
        TxnResponse again = kv.txn().If(new Cmp(bs("/j/a"), Cmp.Op.EQUAL, CmpTarget.modRevision(rev)))
                .Then(Op.put(bs("/j/a"), bs("twice"), PutOption.DEFAULT))
                .Else(Op.get(bs("/j/a"), GetOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);
        assertThat(again.isSucceeded()).isFalse();
        assertThat(again.getGetResponses().get(0).getKvs().get(0).getValue().toString()).isEqualTo("swapped");

        assertThat(kv.delete(bs("/j/b")).get(10, TimeUnit.SECONDS).getDeleted()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void leaseWithKeepAlive() throws Exception {
        var lease = client.getLeaseClient();
        long id = lease.grant(2).get(10, TimeUnit.SECONDS).getID();
        client.getKVClient().put(bs("/j/leased"), bs("v"), PutOption.builder().withLeaseId(id).build())
                .get(10, TimeUnit.SECONDS);
        List<LeaseKeepAliveResponse> renewals = new CopyOnWriteArrayList<>();
        try (var keepAlive = lease.keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
                renewals.add(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        })) {
            // Kept alive well past its TTL (raised to the minimum of 1.5 election timeouts = 1 s... here 2 s).
            await().atMost(Duration.ofSeconds(30)).until(() -> renewals.size() >= 4);
            assertThat(client.getKVClient().get(bs("/j/leased")).get(10, TimeUnit.SECONDS).getCount()).isEqualTo(1);
            var ttl = lease.timeToLive(id, io.etcd.jetcd.options.LeaseOption.builder().withAttachedKeys().build())
                    .get(10, TimeUnit.SECONDS);
            assertThat(ttl.getKeys()).extracting(ByteSequence::toString).containsExactly("/j/leased");
        }
        // Without keep-alives the leader revokes it, and its key goes with it.
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.getKVClient().get(bs("/j/leased")).get(10, TimeUnit.SECONDS).getCount() == 0);
        assertThat(lease.timeToLive(id, io.etcd.jetcd.options.LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS).getTTL())
                .isEqualTo(-1);
    }

    @Test
    @Order(3)
    void clusterAndMaintenance() throws Exception {
        var members = client.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers();
        assertThat(members).hasSize(3);
        assertThat(members).allSatisfy(m -> assertThat(m.getClientURIs()).isNotEmpty());
        var status = client.getMaintenanceClient().statusMember("http://" + cluster.endpoint(0)).get(10, TimeUnit.SECONDS);
        assertThat(status.getVersion()).isEqualTo("3.5.0");
        assertThat(status.getLeader()).isNotZero();
        var hash = client.getMaintenanceClient().hashKV("http://" + cluster.endpoint(1), 0).get(10, TimeUnit.SECONDS);
        assertThat(hash.getHeader().getRevision()).isPositive();
    }

    @Test
    @Order(4)
    void lockIsMutuallyExclusive() throws Exception {
        var lockClient = client.getLockClient();
        long lease1 = client.getLeaseClient().grant(30).get(10, TimeUnit.SECONDS).getID();
        long lease2 = client.getLeaseClient().grant(30).get(10, TimeUnit.SECONDS).getID();
        LockResponse first = lockClient.lock(bs("/locks/j"), lease1).get(10, TimeUnit.SECONDS);
        CompletableFuture<LockResponse> second = lockClient.lock(bs("/locks/j"), lease2);
        // Once the second contender's key is queued behind the holder's, it must be waiting.
        await().atMost(Duration.ofSeconds(20)).until(() -> client.getKVClient()
                .get(bs("/locks/j/"), GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getCount() == 2);
        assertThat(second).isNotDone();
        lockClient.unlock(first.getKey()).get(10, TimeUnit.SECONDS);
        LockResponse got = second.get(10, TimeUnit.SECONDS);
        assertThat(got.getKey().toString()).startsWith("/locks/j/");
        lockClient.unlock(got.getKey()).get(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(5)
    void electionHandsOver() throws Exception {
        var election = client.getElectionClient();
        long lease1 = client.getLeaseClient().grant(30).get(10, TimeUnit.SECONDS).getID();
        long lease2 = client.getLeaseClient().grant(30).get(10, TimeUnit.SECONDS).getID();
        CampaignResponse a = election.campaign(bs("/elect/j"), lease1, bs("a")).get(10, TimeUnit.SECONDS);
        assertThat(election.leader(bs("/elect/j")).get(10, TimeUnit.SECONDS).getKv().getValue().toString()).isEqualTo("a");
        CompletableFuture<CampaignResponse> b = election.campaign(bs("/elect/j"), lease2, bs("b"));
        election.proclaim(a.getLeader(), bs("a2")).get(10, TimeUnit.SECONDS);
        assertThat(election.leader(bs("/elect/j")).get(10, TimeUnit.SECONDS).getKv().getValue().toString()).isEqualTo("a2");
        LeaderKey leaderA = a.getLeader();
        election.resign(leaderA).get(10, TimeUnit.SECONDS);
        assertThat(b.get(10, TimeUnit.SECONDS).getLeader().getKey().toString()).startsWith("/elect/j/");
        assertThat(election.leader(bs("/elect/j")).get(10, TimeUnit.SECONDS).getKv().getValue().toString()).isEqualTo("b");
    }

    @Test
    @Order(6)
    void watchResumesAfterTheWatchedMemberIsKilled() throws Exception {
        int watched = 0;
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        // From the next revision: the first write is delivered however the stream's creation races it.
        long next = client.getKVClient().get(bs("/wr/")).get(10, TimeUnit.SECONDS).getHeader().getRevision() + 1;
        try (Client single = Client.builder().endpoints("http://" + cluster.endpoint(watched),
                "http://" + cluster.endpoint(1), "http://" + cluster.endpoint(2)).build();
             Watch.Watcher w = single.getWatchClient().watch(bs("/wr/"),
                     WatchOption.builder().isPrefix(true).withRevision(next).build(), response -> {
                         for (WatchEvent e : response.getEvents()) {
                             KeyValue kv = e.getKeyValue();
                             seen.add(e.getEventType() + " " + kv.getKey() + "=" + kv.getValue() + "@" + kv.getModRevision());
                         }
                     })) {
            var kv = client.getKVClient();
            kv.put(bs("/wr/1"), bs("a")).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1);

            cluster.kill(watched);
            cluster.awaitLeader(Duration.ofSeconds(30));
            Client survivors = Client.builder().endpoints("http://" + cluster.endpoint(1), "http://" + cluster.endpoint(2))
                    .build();
            try {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    survivors.getKVClient().put(bs("/wr/2"), bs("b")).get(5, TimeUnit.SECONDS);
                    return true;
                });
                survivors.getKVClient().put(bs("/wr/3"), bs("c")).get(10, TimeUnit.SECONDS);
                GetResponse after = survivors.getKVClient().get(bs("/wr/"), GetOption.builder().isPrefix(true).build())
                        .get(10, TimeUnit.SECONDS);
                List<String> expected = new ArrayList<>();
                for (KeyValue k : after.getKvs()) {
                    expected.add("PUT " + k.getKey() + "=" + k.getValue() + "@" + k.getModRevision());
                }
                // The watch moves to another member and resumes: every event exactly once, in order.
                await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 3);
                assertThat(seen).containsExactlyElementsOf(expected);
            } finally {
                survivors.close();
                cluster.startMember(watched);
            }
        }
    }
}
