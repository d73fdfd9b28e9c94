package io.raftkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * CI's smoke run of {@code scripts/bench --compare}, through the CLI's own code path: a fresh
 * 3-node RaftKV cluster (and etcd's, when etcd is on the PATH) started by scripts/cluster, two
 * seconds each of put (16 clients) and linearizable range (256 clients). Proves the tool works;
 * asserts no figure of speed. CI machines are shared and slow: the request timeout is generous so
 * that a failed request means a failure, not a busy machine.
 */
class CompareSmokeTest {
    @TempDir
    Path out;

    @Test
    @Timeout(300)
    void compareRunsTheLoadsAgainstFreshClustersAndWritesTheTableJsonAndPlot() throws Exception {
        boolean etcd = onPath("etcd");
        String systems = etcd ? "etcd,raftkv" : "raftkv";
        int basePort = LocalCluster.freeBasePort(50000, 51000, 3);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = BenchCommand.commandLine(print(stdout), print(stderr)).execute("--compare", "--systems", systems,
                "--loads", "put-16c,range-l", "--duration", "2s", "--request-timeout", "30s",
                "--base-port", Integer.toString(basePort), "--out", out.toString());

        String table = stdout.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; stderr:%n%s", stderr).isZero();
        assertThat(table).contains("put 16c/4conn", "range l 256c/16conn", "raftkv", "CPUs, load average");

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        List<JsonNode> measurements = new ArrayList<>();
        results.get("measurements").forEach(measurements::add);
        assertThat(measurements).hasSize(etcd ? 4 : 2);
        for (JsonNode m : measurements) {
            String what = m.get("system").asText() + " " + m.get("load").asText();
            assertThat(m.get("ops").asLong()).as(what + " ops").isPositive();
            assertThat(m.get("errorCount").asLong()).as(what + " errors: " + m.get("errors")).isZero();
            assertThat(m.get("opsPerSecond").asDouble()).as(what + " ops/s").isPositive();
            JsonNode lat = m.get("latencyMs");
            assertThat(lat.get("p50").asDouble()).as(what + " p50").isPositive()
                    .isLessThanOrEqualTo(lat.get("p99").asDouble());
            assertThat(lat.get("p99").asDouble()).as(what + " p99").isLessThanOrEqualTo(lat.get("p99.9").asDouble());
            assertThat(lat.get("p99.9").asDouble()).as(what + " p99.9").isLessThanOrEqualTo(lat.get("max").asDouble());
            assertThat(m.get("nodes")).as(what + " nodes").hasSize(3);
            double cpu = 0;
            for (JsonNode node : m.get("nodes")) {
                assertThat(node.get("rssBytes").asLong()).as(what + " rss").isGreaterThan(1 << 20);
                assertThat(node.get("cpuSeconds").asDouble()).as(what + " cpu").isGreaterThanOrEqualTo(0);
                cpu += node.get("cpuSeconds").asDouble();
            }
            assertThat(cpu).as(what + ": the cluster did some work").isPositive();
            assertThat(m.get("curve")).as(what + " curve").isNotEmpty();
        }

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(out.resolve("latency.svg").toFile());
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(measurements.size());
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
