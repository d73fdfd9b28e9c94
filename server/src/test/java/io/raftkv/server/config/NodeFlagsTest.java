package io.raftkv.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeFlagsTest {

    private static final String[] THREE_NODES = {
            "--name", "n2", "--data-dir", "/tmp/n2",
            "--listen-client-urls", "http://127.0.0.1:22379", "--advertise-client-urls", "http://127.0.0.1:22379",
            "--listen-peer-urls", "http://127.0.0.1:22380", "--initial-advertise-peer-urls", "http://127.0.0.1:22380",
            "--initial-cluster", "n1=http://127.0.0.1:12380,n2=http://127.0.0.1:22380,n3=http://127.0.0.1:32380",
            "--initial-cluster-state", "new", "--heartbeat-interval", "50", "--election-timeout", "500"};

    @Test
    void parsesEtcdStyleFlags() {
        NodeConfig config = NodeFlags.parse(THREE_NODES);

        assertThat(config.name()).isEqualTo("n2");
        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/n2"));
        assertThat(config.initialCluster()).containsOnlyKeys("n1", "n2", "n3");
        assertThat(config.initialCluster().get("n3")).containsExactly(URI.create("http://127.0.0.1:32380"));
        assertThat(config.initialClusterState()).isEqualTo(ClusterState.NEW);
        assertThat(config.electionTicks()).isEqualTo(10);
        assertThat(config.maxRequestBytes()).isEqualTo(1_572_864);
        assertThat(config.quotaBackendBytes()).isEqualTo(2L << 30);
        assertThat(config.metricsUrls()).containsExactly(URI.create("http://127.0.0.1:32379"));
    }

    @Test
    void everyMemberDerivesTheSameIds() {
        NodeConfig config = NodeFlags.parse(THREE_NODES);
        long fromUrls = MemberIds.memberId(List.of(URI.create("http://127.0.0.1:22380")), "raftkv-cluster");

        assertThat(config.memberId()).isEqualTo(fromUrls).isNotZero();
        assertThat(MemberIds.memberId(List.of(URI.create("http://127.0.0.1:22380")), "other-cluster")).isNotEqualTo(fromUrls);
    }

    @Test
    void configFileSuppliesFlagsThatTheCommandLineDoesNotGive(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("node.yaml");
        Files.writeString(file, """
                name: n1
                data-dir: /var/lib/n1
                snapshot-count: 5000
                listen-client-urls:
                  - http://127.0.0.1:2379
                  - http://127.0.0.1:3379
                """);

        NodeConfig config = NodeFlags.parse("--config-file", file.toString(), "--snapshot-count", "42");

        assertThat(config.name()).isEqualTo("n1");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/n1"));
        assertThat(config.snapshotCount()).isEqualTo(42);
        assertThat(config.listenClientUrls()).hasSize(2);
    }

    @Test
    void badValuesNameTheirFlagOnOneLine(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> NodeFlags.parse("--heartbeat-interval", "abc"))
                .isInstanceOf(ConfigException.class).hasMessage("invalid --heartbeat-interval: 'abc' is not a number");
        assertThatThrownBy(() -> NodeFlags.parse("--initial-cluster-state", "old"))
                .hasMessage("invalid --initial-cluster-state: must be 'new' or 'existing', got 'old'");
        assertThatThrownBy(() -> NodeFlags.parse("--listen-client-urls", "127.0.0.1:2379"))
                .hasMessageStartingWith("invalid --listen-client-urls: ");
        assertThatThrownBy(() -> NodeFlags.parse("--name", "x", "--initial-cluster", "y=http://127.0.0.1:2380"))
                .hasMessage("invalid --initial-cluster: has no member named 'x' (this node's --name)");
        assertThatThrownBy(() -> NodeFlags.parse("--heartbeat-interval", "100", "--election-timeout", "300"))
                .hasMessageStartingWith("invalid --election-timeout: 300 ms must be at least 5 x");
        assertThatThrownBy(() -> NodeFlags.parse("--no-such-flag"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class);

        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "nmae: typo\n");
        assertThatThrownBy(() -> NodeFlags.parse("--config-file", file.toString()))
                .hasMessageStartingWith("invalid --config-file: unknown key 'nmae'");
        assertThat(new ConfigException("x", "y").getMessage()).doesNotContain("\n");
    }
}
