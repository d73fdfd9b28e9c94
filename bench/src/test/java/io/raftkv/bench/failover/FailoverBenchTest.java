package io.raftkv.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.bench.LocalCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** CI's short round: the tool against a real local RaftKV cluster, and its command line. */
class FailoverBenchTest {
    private static final Path REPO = Path.of(System.getProperty("raftkv.repoRoot", "..")).toAbsolutePath().normalize();

    /** Under /tmp/failover-*, like every cluster of this tool; kept when the test fails, for its node logs. */
    private Path work;
    private boolean passed;

    @BeforeEach
    void createWorkDirectory() throws IOException {
        work = Files.createTempDirectory("failover-test-");
    }

    @AfterEach
    void tearDownWhateverTheRunLeftBehind() throws Exception {
        Path clusterDir = work.resolve("clusters/raftkv");
        if (Files.exists(clusterDir)) {
            Process down = new ProcessBuilder(REPO.resolve("scripts/cluster").toString(), "down", "--clean", "--dir", clusterDir.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("teardown.log").toFile()).start();
            if (!down.waitFor(2, TimeUnit.MINUTES)) {
                down.destroyForcibly();
            }
        }
        if (passed) {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } else {
            System.err.println("failover test: cluster data and node logs kept in " + work);
        }
    }

    @Test
    // About 30 s on an idle machine; a RaftKV node restarting on a busy shared one has needed a minute.
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void oneShortRoundAgainstRaftKvLosesNoAcknowledgedWrite() throws IOException {
        Path out = work.resolve("out");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = FailoverBench.commandLine(new FailoverBench(new PrintStream(printed, true, StandardCharsets.UTF_8))).execute(
                "--rounds", "1", "--clients", "2", "--rate", "20", "--restart-after", "1s", "--pause", "2s", "--settle", "1s",
                "--base-port", Integer.toString(LocalCluster.freeBasePort(51000, 52000, 3)), "--dir", work.resolve("clusters").toString(), "--out", out.toString(),
                "--repo", REPO.toString());
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(report).isZero();
        JsonNode system = new ObjectMapper().readTree(out.resolve("failover.json").toFile()).get("systems").get(0);
        assertThat(system.get("system").asText()).isEqualTo("RaftKV");
        assertThat(system.get("error").isNull()).as(report).isTrue();
        assertThat(system.get("acknowledgedWrites").asInt()).isPositive();
        assertThat(system.get("missingWrites").asInt()).as(report).isZero();
        assertThat(system.get("staleReadCount").asInt()).as(report).isZero();
        List<String> faults = new ArrayList<>();
        for (JsonNode phase : system.get("phases")) {
            faults.add(phase.get("fault").asText());
            assertThat(phase.get("leaderAfter").isNumber()).as("%s saw a leader: %s", phase, report).isTrue();
            assertThat(phase.get("servingAfter").isNumber()).as("%s: the member served again: %s", phase, report).isTrue();
            // A gap spans at least the time between two paced operations, and at most the phase.
            assertThat(phase.get("writeGap").asDouble()).as(phase.toString()).isStrictlyBetween(0.0, 120.0);
            assertThat(phase.get("readGap").asDouble()).as(phase.toString()).isStrictlyBetween(0.0, 120.0);
            assertThat(phase.get("writes").asInt()).as(phase.toString()).isPositive();
            assertThat(phase.get("reads").asInt()).as(phase.toString()).isPositive();
        }
        assertThat(faults).containsExactly("KILL_LEADER", "KILL_FOLLOWER", "PAUSE_LEADER");
        assertThat(report).contains("kill -9 leader: writes again").contains("RaftKV");
        assertThat(out.resolve("raftkv-node1.log")).exists();
        passed = true;
    }

    @Test
    void aWrongFlagIsOneLineAndExitStatusTwo() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = FailoverBench.commandLine(new FailoverBench());
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute("--rounds", "1", "--restart-afterr", "4s");

        assertThat(exit).isEqualTo(2);
        passed = true;
        assertThat(err.toString().strip())
                .startsWith("bench-failover: Unknown option")
                .contains("'--restart-afterr'")
                .endsWith("(see --help)")
                .doesNotContain("\n");
    }
}
