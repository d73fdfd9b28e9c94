package io.raftkv.bench;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code scripts/bench}: etcd benchmark's loads over the etcd v3 API, and --compare of etcd and RaftKV. */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "raftkv-bench 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        subcommands = {BenchCommand.Put.class, BenchCommand.Range.class, BenchCommand.TxnPut.class,
                BenchCommand.WatchLatency.class},
        description = {
                "etcd benchmark's loads against any etcd v3 endpoints (RaftKV or etcd).",
                "With --compare: a fresh local etcd cluster, then a fresh RaftKV cluster",
                "(scripts/cluster), the same loads against each, one table; results.json",
                "and latency.svg go to --out.",
                "",
                "  scripts/bench put --endpoints 127.0.0.1:2379 --conns 16 --clients 256 \\",
                "                    --val-size 256 --key-space-size 10000 --duration 20s",
                "  scripts/bench range --consistency s --key-space-size 10000 --total 100000",
                "  scripts/bench --compare               (about 6 minutes)",
                "  scripts/bench --compare --duration 5s (a quick look)",
                ""})
public final class BenchCommand implements Callable<Integer> {
    public static final String REPO_ROOT_PROPERTY = "raftkv.repoRoot";

    @Option(names = "--compare", description = "start etcd and RaftKV clusters in turn and compare them on the same loads")
    boolean compare;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "TIME",
            description = "with --compare: every load runs this long (default: the cold put 20s, the others 25s)")
    Duration duration;

    @Option(names = "--loads", split = ",", paramLabel = "ID",
            description = "with --compare: which loads, in this order (default: all of ${COMPLETION-CANDIDATES})",
            completionCandidates = LoadIds.class)
    List<String> loads;

    @Option(names = "--systems", split = ",", paramLabel = "SYSTEM",
            description = "with --compare: etcd, raftkv or both (default: ${DEFAULT-VALUE})", defaultValue = "etcd,raftkv")
    List<String> systems;

    @Option(names = "--nodes", description = "with --compare: nodes per cluster (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int nodes;

    @Option(names = "--base-port", description = "with --compare: node I listens on P+10*(I-1) (default: ${DEFAULT-VALUE})",
            defaultValue = "32379")
    int basePort;

    @Option(names = "--out", paramLabel = "DIR",
            description = "with --compare: where results.json and latency.svg go (default: bench-results/<time>/ in the repository)")
    Path outDir;

    @Option(names = "--request-timeout", converter = DurationConverter.class, paramLabel = "TIME",
            description = "with --compare: deadline of each request (default: ${DEFAULT-VALUE})", defaultValue = "5s")
    Duration requestTimeout;

    private final PrintStream out;
    private final PrintStream err;

    public BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.out, System.err).execute(args));
    }

    /** The CLI with its error handling: a wrong flag or a failed run is one line on stderr and a non-zero exit. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new BenchCommand(out, err));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("bench: " + e.getMessage() + " (see scripts/bench --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof BenchException) {
                err.println("bench: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public Integer call() {
        if (!compare) {
            err.println("bench: give a load (put, range, txn-put, watch-latency) or --compare (see scripts/bench --help)");
            return 2;
        }
        List<LocalCluster.Kind> kinds = new ArrayList<>();
        for (String s : systems) {
            LocalCluster.Kind kind = switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "etcd" -> LocalCluster.Kind.ETCD;
                case "raftkv" -> LocalCluster.Kind.RAFTKV;
                default -> throw new BenchException("--systems takes etcd and/or raftkv, not '" + s + "'");
            };
            kinds.add(kind);
        }
        if (kinds.contains(LocalCluster.Kind.ETCD) && !onPath("etcd")) {
            throw new BenchException("etcd is not on the PATH (apt-get install etcd-server), or pass --systems raftkv");
        }
        Map<String, LoadSpec> all = CompareRun.standardLoads(Optional.ofNullable(duration));
        List<LoadSpec> chosen = new ArrayList<>();
        for (String id : loads == null ? List.copyOf(all.keySet()) : loads) {
            LoadSpec spec = all.get(id.trim());
            if (spec == null) {
                throw new BenchException("--loads takes " + String.join(", ", all.keySet()) + ", not '" + id + "'");
            }
            chosen.add(spec);
        }
        Path root = repoRoot();
        Path resultsDir = outDir != null ? outDir : root.resolve("bench-results")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        CompareReport report = new CompareRun(root, kinds, nodes, basePort, chosen, requestTimeout.toMillis(), err).run();
        report.write(resultsDir);
        out.print(report.table());
        out.println("results: " + resultsDir.resolve("results.json") + ", plot: " + resultsDir.resolve("latency.svg"));
        return 0;
    }

    static Path repoRoot() {
        String root = System.getProperty(REPO_ROOT_PROPERTY, System.getenv().getOrDefault("RAFTKV_REPO_ROOT", "."));
        return Path.of(root).toAbsolutePath().normalize();
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    int runLoad(LoadSpec spec, List<String> endpoints, Duration requestTimeout) {
        EtcdEndpoints.requireReachable(endpoints);
        LoadResult result = CompareRun.run(spec, endpoints, requestTimeout.toMillis());
        out.println(result.summary());
        return 0;
    }

    static final class LoadIds extends ArrayList<String> {
        LoadIds() {
            super(CompareRun.standardLoads(Optional.empty()).keySet());
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Puts values of --val-size into keys of the key space.")
    static final class Put implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;
        @Mixin
        LoadOptions options;

        @Override
        public Integer call() {
            return parent.runLoad(options.spec("put", Workload.PUT), options.endpoints, options.requestTimeout);
        }
    }

    @Command(name = "range", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Reads one key, or keys of the key space if none is given.")
    static final class Range implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;
        @Mixin
        LoadOptions options;

        @Parameters(arity = "0..1", paramLabel = "KEY", description = "the key to read (default: keys of the key space)")
        String key;

        @Option(names = "--consistency", description = "l: linearizable, s: serializable (default: ${DEFAULT-VALUE})",
                defaultValue = "l")
        String consistency;

        @Override
        public Integer call() {
            if (!consistency.equals("l") && !consistency.equals("s")) {
                throw new BenchException("--consistency takes l (linearizable) or s (serializable), not '" + consistency + "'");
            }
            LoadSpec spec = options.spec("range " + consistency, Workload.RANGE)
                    .withSerializable(consistency.equals("s"))
                    .withRangeKey(key == null ? "" : key);
            return parent.runLoad(spec, options.endpoints, options.requestTimeout);
        }
    }

    @Command(name = "txn-put", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Transactions of --txn-ops puts each.")
    static final class TxnPut implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;
        @Mixin
        LoadOptions options;

        @Option(names = "--txn-ops", description = "puts per transaction (default: ${DEFAULT-VALUE})", defaultValue = "1")
        int txnOps;

        @Override
        public Integer call() {
            LoadSpec spec = options.spec("txn-put", Workload.TXN_PUT).withTxnOps(txnOps);
            return parent.runLoad(spec, options.endpoints, options.requestTimeout);
        }
    }

    @Command(name = "watch-latency", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Latency from a put to its event at each watcher of the key.",
                    "--total counts puts (default 1000); --duration puts at --put-rate for that long."})
    static final class WatchLatency implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;
        @Mixin
        LoadOptions options;

        @Option(names = "--streams", description = "watch streams (default: ${DEFAULT-VALUE})", defaultValue = "10")
        int streams;

        @Option(names = "--watchers-per-stream", description = "watchers on each stream (default: ${DEFAULT-VALUE})",
                defaultValue = "10")
        int watchersPerStream;

        @Option(names = "--put-rate", description = "puts per second (default: ${DEFAULT-VALUE})", defaultValue = "100")
        int putRate;

        @Override
        public Integer call() {
            LoadSpec base = options.spec("watch-latency", Workload.WATCH_LATENCY);
            long total = options.total == null && options.duration == null ? 1000 : base.total();
            LoadSpec spec = base.withWatchers(total, streams, watchersPerStream, putRate);
            return parent.runLoad(spec, options.endpoints, options.requestTimeout);
        }
    }
}
