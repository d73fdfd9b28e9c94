package io.raftkv.server.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code etcdctl check perf --load=s}: 60 s of rate-limited puts (150/s from 50 connections),
 * judged by etcdctl itself (> 90 % of the rate, slowest request at most 0.5 s, stddev at most
 * 0.1 s). The figures are etcd's own criteria for a small cluster.
 */
class EtcdctlCheckPerfTest {
    @TempDir
    Path dir;

    @Test
    void checkPerfSmallLoadPasses() throws Exception {
        assumeThat(Etcdctl.installed()).as("etcdctl 3.4 (scripts/test installs it)").isTrue();
        try (ProcessCluster cluster = ProcessCluster.start(dir, 3)) {
            Etcdctl.Result result = new Etcdctl(cluster.endpointList()).run("check", "perf", "--load=s");
            System.out.println(result.out() + result.err());
            assertThat(result.out()).as(result.out() + result.err())
                    .contains("PASS: Throughput is").contains("PASS: Slowest request took")
                    .contains("PASS: Stddev is").contains("PASS");
            assertThat(result.out()).doesNotContain("FAIL");
            assertThat(result.exitCode()).isZero();
        }
    }
}
