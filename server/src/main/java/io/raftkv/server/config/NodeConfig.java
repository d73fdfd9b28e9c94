package io.raftkv.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated node configuration: the etcd flags a RaftKV node understands.
 *
 * @param initialCluster member name → its peer URLs, in the order given
 * @param metricsUrls    where /health, /version and /metrics are served (etcd's --listen-metrics-urls)
 * @param watchProgressNotifyMillis how often watchers asking for progress_notify get one
 */
public record NodeConfig(
        String name,
        Path dataDir,
        List<URI> listenClientUrls,
        List<URI> advertiseClientUrls,
        List<URI> listenPeerUrls,
        List<URI> initialAdvertisePeerUrls,
        Map<String, List<URI>> initialCluster,
        ClusterState initialClusterState,
        String initialClusterToken,
        int heartbeatIntervalMillis,
        int electionTimeoutMillis,
        int maxRequestBytes,
        long quotaBackendBytes,
        long snapshotCount,
        List<URI> metricsUrls,
        long watchProgressNotifyMillis) {

    public NodeConfig {
        listenClientUrls = List.copyOf(listenClientUrls);
        advertiseClientUrls = List.copyOf(advertiseClientUrls);
        listenPeerUrls = List.copyOf(listenPeerUrls);
        initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
        initialCluster = Map.copyOf(initialCluster);
        metricsUrls = List.copyOf(metricsUrls);
    }

    /**
     * The id this member has as a founder of a new cluster, derived from its advertised peer
     * URLs as every other founder derives it. A member joining an existing cluster is given its
     * id by {@code member add} instead (see the node's {@code MemberIdentity}).
     */
    public long memberId() {
        return MemberIds.memberId(initialAdvertisePeerUrls, initialClusterToken);
    }

    /** Ticks of the Raft core: one tick per heartbeat interval. */
    public int electionTicks() {
        return Math.max(2, electionTimeoutMillis / heartbeatIntervalMillis);
    }
}
