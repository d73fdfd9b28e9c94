package io.raftkv.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scrape shows etcd's names, types and help texts, so etcd's dashboards and alerts read RaftKV. */
class ServerMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServerMetrics metrics = new ServerMetrics();

    private static final class Member implements ServerMetrics.Sources {
        volatile long leader;
        volatile long committed;

        @Override
        public boolean hasLeader() {
            return leader != 0;
        }

        @Override
        public boolean isLeader() {
            return leader == 1;
        }

        @Override
        public boolean isLearner() {
            return false;
        }

        @Override
        public long committedIndex() {
            return committed;
        }

        @Override
        public long appliedIndex() {
            return Math.max(0, committed - 1);
        }

        @Override
        public long pendingProposals() {
            return 3;
        }

        @Override
        public long revision() {
            return 17;
        }

        @Override
        public long dbSizeBytes() {
            return 4096;
        }
    }

    @Test
    void gaugesReadTheMemberUnderEtcdsNames() {
        Member member = new Member();
        metrics.bind(registry, member);
        member.leader = 2;
        member.committed = 42;

        String scrape = registry.scrape();

        assertThat(scrape).contains(
                "# HELP etcd_server_has_leader Whether or not a leader exists. 1 is existence, 0 is not.\n"
                        + "# TYPE etcd_server_has_leader gauge\n"
                        + "etcd_server_has_leader 1.0\n",
                "# TYPE etcd_server_is_leader gauge\netcd_server_is_leader 0.0\n",
                "# HELP etcd_server_proposals_committed_total The total number of consensus proposals committed.\n",
                "etcd_server_proposals_committed_total 42.0\n",
                "etcd_server_proposals_applied_total 41.0\n",
                "# HELP etcd_server_proposals_pending The current number of pending proposals to commit.\n"
                        + "# TYPE etcd_server_proposals_pending gauge\n"
                        + "etcd_server_proposals_pending 3.0\n",
                "etcd_debugging_mvcc_current_revision 17.0\n",
                "# HELP etcd_mvcc_db_total_size_in_bytes Total size of the underlying database physically allocated"
                        + " in bytes.\n",
                "etcd_mvcc_db_total_size_in_bytes 4096.0\n");
    }

    @Test
    void countersCountWhatTheMemberReports() {
        metrics.leaderChanged(); // before the registry exists: kept
        metrics.bind(registry, new Member());
        metrics.leaderChanged();
        metrics.proposalFailed();

        String scrape = registry.scrape();

        assertThat(scrape).contains(
                "# HELP etcd_server_leader_changes_seen_total The number of leader changes seen.\n"
                        + "# TYPE etcd_server_leader_changes_seen_total counter\n"
                        + "etcd_server_leader_changes_seen_total 2.0\n",
                "# TYPE etcd_server_proposals_failed_total counter\netcd_server_proposals_failed_total 1.0\n",
                "etcd_server_read_indexes_failed_total 0.0\n");
    }

    @Test
    void diskLatenciesFallInEtcdsBuckets() {
        metrics.bind(registry, new Member());
        metrics.walFsync(TimeUnit.MICROSECONDS.toNanos(1_500));
        metrics.walFsync(TimeUnit.MILLISECONDS.toNanos(3));
        metrics.backendCommit(TimeUnit.MICROSECONDS.toNanos(700));
        metrics.peerRoundTrip(0xabcL, TimeUnit.MICROSECONDS.toNanos(150));

        String scrape = registry.scrape();

        assertThat(scrape).contains(
                "# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.\n"
                        + "# TYPE etcd_disk_wal_fsync_duration_seconds histogram\n",
                "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"} 0\n",
                "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.002\"} 1\n",
                "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.004\"} 2\n",
                "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"8.192\"} 2\n",
                "etcd_disk_wal_fsync_duration_seconds_count 2\n",
                "etcd_disk_backend_commit_duration_seconds_bucket{le=\"0.001\"} 1\n",
                "# HELP etcd_network_peer_round_trip_time_seconds Round-Trip-Time histogram between peers\n",
                "etcd_network_peer_round_trip_time_seconds_bucket{To=\"abc\",le=\"1.0E-4\"} 0\n",
                "etcd_network_peer_round_trip_time_seconds_bucket{To=\"abc\",le=\"2.0E-4\"} 1\n");
    }
}
