package io.raftkv.bench.failover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.raftkv.bench.BenchException;
import io.raftkv.bench.DurationConverter;
import io.raftkv.bench.LocalCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scripts/bench-failover}: how a 3-node cluster rides out kill -9 and SIGSTOP under load, beside etcd. */
@Command(name = "bench-failover", sortOptions = false,
        description = {
            "Starts a local 3-node RaftKV cluster (scripts/cluster) under continuous writes and linearizable reads "
                    + "from several clients spread over all endpoints. Each round kills (-9) the leader and restarts it, "
                    + "kills (-9) a follower and restarts it, then SIGSTOPs the leader for --pause and resumes it. "
                    + "Prints per fault the time to a new leader, the longest gap between successful writes and between "
                    + "successful reads, and the time from restart to serving; at the end reads back every "
                    + "acknowledged write. With --compare, etcd 3.4 runs through the same rounds first, and both are "
                    + "printed side by side.",
            "Exit status: 0 when every fault was recovered from and no acknowledged write is missing; 1 when not "
                    + "(missing writes, stale reads, no recovery within --recovery-deadline); 2 on a wrong flag."})
public final class FailoverBench implements Callable<Integer> {
    private static final int NODES = 3;

    @Option(names = "--rounds", paramLabel = "N", description = "rounds of the three faults (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--compare", description = "also run etcd 3.4 (scripts/cluster up --etcd) through the same rounds and print both")
    boolean compare;

    @Option(names = "--clients", paramLabel = "N", description = "writers, and as many readers (default: ${DEFAULT-VALUE})")
    int clients = 3;

    @Option(names = "--rate", paramLabel = "OPS", description = "operations per second of each client (default: ${DEFAULT-VALUE})")
    double rate = 50;

    @Option(names = "--restart-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long a killed member stays down (default: 4s, as issue 14 measured)")
    Duration restartAfter = Duration.ofSeconds(4);

    @Option(names = "--pause", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long the leader stays SIGSTOPped; longer than the 1 s election timeout (default: 3s)")
    Duration pause = Duration.ofSeconds(3);

    @Option(names = "--settle", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "steady load before the first fault and after each recovery (default: 2s)")
    Duration settle = Duration.ofSeconds(2);

    @Option(names = "--op-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "deadline of each client call before it is retried on the next endpoint (default: 1s)")
    Duration opTimeout = Duration.ofSeconds(1);

    @Option(names = "--recovery-deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "give up on a leader or a serving member after this long (default: 120s; a RaftKV node "
                    + "restarting on a busy 2-core machine has needed 60)")
    Duration recoveryDeadline = Duration.ofSeconds(120);

    @Option(names = "--base-port", paramLabel = "PORT",
            description = "RaftKV's client ports are PORT, PORT+10, PORT+20; etcd's PORT+100.. (default: ${DEFAULT-VALUE})")
    int basePort = 42379;

    @Option(names = "--dir", paramLabel = "DIR", description = "where the clusters keep their data and logs (default: a new /tmp/failover-* directory, removed afterwards)")
    Path dir;

    @Option(names = "--out", paramLabel = "DIR", description = "write failover.json (settings and every figure) and the nodes' logs there")
    Path out;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    @Option(names = "--repo", paramLabel = "DIR", hidden = true, description = "the RaftKV checkout whose scripts/cluster to use")
    Path repo = Path.of(System.getProperty("raftkv.repoRoot", "."));

    private final PrintStream stdout;

    public FailoverBench() {
        this(System.out);
    }

    FailoverBench(PrintStream stdout) {
        this.stdout = stdout;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new FailoverBench()).execute(args));
    }

    /** The command with a one-line error (and a pointer to --help) for a wrong flag. */
    static CommandLine commandLine(FailoverBench bench) {
        CommandLine commandLine = new CommandLine(bench);
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("bench-failover: " + e.getMessage() + " (see --help)");
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws IOException {
        if (rounds < 1 || clients < 1 || rate <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rounds, --clients and --rate must be above zero");
        }
        Path script = repo.resolve("scripts/cluster");
        if (!Files.isExecutable(script)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "no executable " + script + "; run through scripts/bench-failover");
        }
        repo = repo.toAbsolutePath().normalize();
        boolean temporary = dir == null;
        Path root = temporary ? Files.createTempDirectory("failover-") : Files.createDirectories(dir);
        RunSettings settings = new RunSettings(rounds, clients, rate, opTimeout, restartAfter, pause, settle, recoveryDeadline);
        stdout.printf("bench-failover: %d round(s); %d writers and %d readers at %.0f ops/s each, %d ms deadline per call; "
                        + "restart %.1f s after kill -9; SIGSTOP for %.1f s%n",
                rounds, clients, clients, rate, opTimeout.toMillis(), restartAfter.toMillis() / 1000.0, pause.toMillis() / 1000.0);

        List<SystemResult> results = new ArrayList<>();
        boolean keep = !temporary;
        if (compare) {
            results.add(runOne(LocalCluster.Kind.ETCD, "etcd 3.4", root.resolve("etcd"), basePort + 100, settings));
        }
        results.add(runOne(LocalCluster.Kind.RAFTKV, "RaftKV", root.resolve("raftkv"), basePort, settings));
        boolean passed = results.stream().allMatch(SystemResult::passed);
        if (!passed) {
            keep = true;
        }

        ResultTable.print(results, settings, stdout);
        if (out != null) {
            writeJson(results, settings);
            stdout.printf("%nresults and node logs: %s%n", out.toAbsolutePath());
        }
        if (keep) {
            stdout.printf("cluster logs kept in %s%n", root);
        } else {
            LocalCluster.deleteTree(root);
        }
        return passed ? 0 : 1;
    }

    /** One fresh cluster, its rounds, and its teardown, even when the run fails or is interrupted. */
    private SystemResult runOne(LocalCluster.Kind kind, String system, Path clusterDir, int port, RunSettings settings) {
        stdout.printf("%s: starting a %d-node cluster in %s%n", system, NODES, clusterDir);
        LocalCluster cluster;
        try {
            // LocalCluster tears the cluster down on JVM exit too, should the run be interrupted.
            cluster = LocalCluster.up(repo, kind, NODES, port, clusterDir);
        } catch (BenchException e) {
            return failed(system, e);
        }
        SystemResult result = null;
        try {
            result = new FailoverRun(cluster, system, settings, stdout).run();
        } catch (BenchException e) {
            result = failed(system, e);
        } finally {
            copyLogs(cluster);
            // Keep the data of a failed run (its logs are what someone will want to read).
            cluster.down(result == null || !result.passed());
        }
        return result;
    }

    private SystemResult failed(String system, BenchException e) {
        stdout.printf("%s: %s%n", system, e.getMessage());
        return new SystemResult(system, List.of(), 0, null, List.of(), 0, List.of(), 0, 0, e.getMessage());
    }

    private void copyLogs(LocalCluster cluster) {
        if (out == null) {
            return;
        }
        try {
            Files.createDirectories(out);
            for (int node = 1; node <= cluster.nodes(); node++) {
                Path log = cluster.log(node);
                if (Files.exists(log)) {
                    Files.copy(log, out.resolve(cluster.kind().name().toLowerCase() + "-node" + node + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            stdout.printf("could not copy the node logs to %s: %s%n", out, e.getMessage());
        }
    }

    private void writeJson(List<SystemResult> results, RunSettings settings) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("finishedAt", Instant.now().toString());
        Map<String, Object> knobs = new LinkedHashMap<>();
        knobs.put("rounds", settings.rounds());
        knobs.put("clients", settings.clients());
        knobs.put("opsPerSecondPerClient", settings.opsPerSecondPerClient());
        knobs.put("opTimeoutSeconds", settings.opTimeout().toMillis() / 1000.0);
        knobs.put("restartAfterSeconds", settings.restartAfter().toMillis() / 1000.0);
        knobs.put("pauseSeconds", settings.pause().toMillis() / 1000.0);
        knobs.put("settleSeconds", settings.settle().toMillis() / 1000.0);
        json.put("settings", knobs);
        json.put("systems", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("failover.json").toFile(), json);
    }
}
