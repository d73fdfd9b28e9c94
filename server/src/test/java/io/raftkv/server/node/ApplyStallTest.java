package io.raftkv.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.PutResponse;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.raft.core.SoftState;
import io.raftkv.server.api.EtcdError;
import io.raftkv.server.apply.NoApplyHooks;
import io.raftkv.server.metrics.ServerMetrics;
import io.raftkv.server.raft.DriverCluster;
import io.raftkv.server.raft.RaftDriver;
import io.raftkv.server.raft.RaftDriverListener;
import io.raftkv.storage.mvcc.MvccStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying stalls (a snapshot being packed, a slow disk): the Raft threads must go on ticking and
 * answering, and writes must be refused with etcd's error once too much is committed but not
 * applied, instead of consensus stopping.
 */
class ApplyStallTest {
    /** etcd's maxGapBetweenApplyAndCommitIndex. */
    private static final int MAX_APPLY_LAG = 5_000;

    @TempDir
    Path dir;

    private final Map<Long, ApplyingMember> members = new ConcurrentHashMap<>();
    private final CountDownLatch resume = new CountDownLatch(1);
    private volatile boolean stalled;
    private volatile Throwable raftFailure;

    @AfterEach
    void stop() throws InterruptedException {
        resume.countDown();
        for (ApplyingMember m : members.values()) {
            m.close();
        }
        assertThat(raftFailure).as("a Raft thread failed").isNull();
    }

    @Test
    void aStalledApplyNeitherStopsConsensusNorLetsWritesRunPastTheApplyLag() throws Exception {
        try (DriverCluster cluster = new DriverCluster(3, this::member)) {
            long leaderId = cluster.awaitLeader();
            RaftDriver leader = cluster.driver(leaderId);
            long term = leader.status().term();
            ApplyingMember m = members.get(leaderId);
            Proposer proposer = new Proposer(leader, m.tracker(), ForwardingLinks.NONE, 120_000, m.waiter(), 1_000,
                    new ServerMetrics());
            stalled = true;

            List<CompletableFuture<Message>> accepted = new ArrayList<>();
            Throwable refused = null;
            while (refused == null && accepted.size() < 4 * MAX_APPLY_LAG) {
                long commit = leader.status().commitIndex();
                // Small groups, each committed before the next: many small batches for the apply thread.
                for (int i = 0; i < 25 && refused == null; i++) {
                    CompletableFuture<Message> put = proposer.propose(put("k", "v" + accepted.size()));
                    if (put.isCompletedExceptionally()) {
                        refused = put.handle((r, t) -> t).join();
                    } else {
                        accepted.add(put);
                    }
                }
                if (refused == null) {
                    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                            .until(() -> leader.status().commitIndex() > commit);
                }
            }

            assertThat(refused).isNotNull();
            assertThat(EtcdError.of(Status.fromThrowable(refused))).contains(EtcdError.TOO_MANY_REQUESTS);
            assertThat(accepted.size()).isBetween(MAX_APPLY_LAG - 500, MAX_APPLY_LAG + 500);
            // Consensus goes on: a quorum round answers, and no follower starts an election.
            assertThat(leader.readIndex()).succeedsWithin(Duration.ofSeconds(10));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                    leader.status().role() == SoftState.Role.LEADER && leader.status().term() == term);

            stalled = false;
            resume.countDown();

            long revision = 0;
            for (CompletableFuture<Message> put : accepted) {
                long r = ((PutResponse) put.get(60, TimeUnit.SECONDS)).getHeader().getRevision();
                if (revision != 0) {
                    assertThat(r).isEqualTo(revision + 1); // applied in proposal order
                }
                revision = r;
            }
            long committed = leader.status().commitIndex();
            for (ApplyingMember each : members.values()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> each.waiter().applied() >= committed);
                assertThat(value(each.store(), "k")).isEqualTo("v" + (accepted.size() - 1));
            }
        }
    }

    private RaftDriverListener member(long id) {
        ApplyingMember m = ApplyingMember.open(dir, id, new StallingHooks());
        members.put(id, m);
        return m.listener(cause -> raftFailure = cause);
    }

    private static InternalRequest put(String key, String value) {
        return InternalRequest.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value))).build();
    }

    private static String value(MvccStore store, String key) {
        var kvs = store.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()).getKvsList();
        return kvs.isEmpty() ? "" : kvs.get(0).getValue().toStringUtf8();
    }

    /** Applying blocks after a batch while {@link #stalled}, as packing a snapshot does. */
    private final class StallingHooks extends NoApplyHooks {
        @Override
        public void afterBatch(long appliedIndex) {
            if (stalled) {
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
