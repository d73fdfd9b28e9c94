package io.raftkv.server.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's command line, with etcd's flag names. Each flag can also be set in a YAML file
 * given by {@code --config-file}, under the flag's name without dashes (etcd's config file
 * keys); a flag given on the command line wins over the file.
 */
@Command(name = "raftkv-server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A RaftKV node: a Raft-replicated key-value store speaking etcd's v3 API.")
public final class NodeFlags {

    @Option(names = "--config-file", description = "YAML file with any of these flags (names without dashes)")
    Path configFile;

    @Option(names = "--name", description = "human-readable name of this member (default: ${DEFAULT-VALUE})")
    String name = "default";

    @Option(names = "--data-dir", description = "directory for the Raft log, snapshots and the key-value store (default: <name>.raftkv)")
    String dataDir;

    @Option(names = "--listen-client-urls", description = "URLs to serve clients on (default: ${DEFAULT-VALUE})")
    String listenClientUrls = "http://127.0.0.1:2379";

    @Option(names = "--advertise-client-urls", description = "client URLs told to the rest of the cluster (default: ${DEFAULT-VALUE})")
    String advertiseClientUrls = "http://127.0.0.1:2379";

    @Option(names = "--listen-peer-urls", description = "URLs to serve the other members on (default: ${DEFAULT-VALUE})")
    String listenPeerUrls = "http://127.0.0.1:2380";

    @Option(names = "--initial-advertise-peer-urls", description = "this member's peer URLs told to the cluster (default: ${DEFAULT-VALUE})")
    String initialAdvertisePeerUrls = "http://127.0.0.1:2380";

    @Option(names = "--initial-cluster", description = "name=peerURL,... of every initial member (default: <name>=<initial-advertise-peer-urls>)")
    String initialCluster;

    @Option(names = "--initial-cluster-state", description = "new or existing (default: ${DEFAULT-VALUE})")
    String initialClusterState = "new";

    @Option(names = "--initial-cluster-token", description = "distinguishes clusters built from the same URLs (default: ${DEFAULT-VALUE})")
    String initialClusterToken = "raftkv-cluster";

    @Option(names = "--heartbeat-interval", description = "milliseconds between leader heartbeats (default: ${DEFAULT-VALUE})")
    String heartbeatInterval = "100";

    @Option(names = "--election-timeout", description = "milliseconds without a leader before an election (default: ${DEFAULT-VALUE})")
    String electionTimeout = "1000";

    @Option(names = "--max-request-bytes", description = "largest client request accepted (default: ${DEFAULT-VALUE})")
    String maxRequestBytes = "1572864";

    @Option(names = "--quota-backend-bytes", description = "space quota of the key-value store; 0 means 2 GiB (default: ${DEFAULT-VALUE})")
    String quotaBackendBytes = "0";

    @Option(names = "--snapshot-count", description = "applied entries between snapshots (default: ${DEFAULT-VALUE})")
    String snapshotCount = "100000";

    @Option(names = "--experimental-watch-progress-notify-interval",
            description = "how often watchers with progress_notify get an empty response (default: ${DEFAULT-VALUE})")
    String watchProgressNotifyInterval = "10m";

    @Option(names = "--listen-metrics-urls", description = "URLs for /health, /version and /metrics (default: client port + 10000)")
    String listenMetricsUrls;

    /**
     * Parses {@code args} (and the config file they name) into a validated configuration, or
     * prints help and returns null for {@code --help} / {@code --version}.
     *
     * @throws ConfigException         naming the first bad flag
     * @throws CommandLine.ParameterException for an unknown flag or a missing value
     */
    public static NodeConfig parse(String... args) {
        NodeFlags flags = new NodeFlags();
        CommandLine cli = new CommandLine(flags);
        CommandLine.ParseResult result = cli.parseArgs(args);
        if (result.isUsageHelpRequested()) {
            cli.usage(System.out);
            return null;
        }
        if (result.isVersionHelpRequested()) {
            System.out.println("raftkv-server 0.1.0 (etcd API 3.5)");
            return null;
        }
        if (flags.configFile != null) {
            flags.applyConfigFile(result);
        }
        return flags.validate();
    }

    /** Takes every value from the file that was not given on the command line. */
    private void applyConfigFile(CommandLine.ParseResult result) {
        Map<String, Object> values;
        try (Reader reader = Files.newBufferedReader(configFile)) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (loaded == null) {
                return;
            }
            if (!(loaded instanceof Map<?, ?> map)) {
                throw new ConfigException("config-file", configFile + " is not a YAML mapping");
            }
            values = new LinkedHashMap<>();
            map.forEach((k, v) -> values.put(String.valueOf(k), v));
        } catch (IOException e) {
            throw new ConfigException("config-file", "cannot read " + configFile + ": " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof ConfigException) {
                throw e;
            }
            throw new ConfigException("config-file", configFile + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        CommandLine.Model.CommandSpec spec = new CommandLine(this).getCommandSpec();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String flag = "--" + e.getKey();
            CommandLine.Model.OptionSpec option = spec.findOption(flag);
            if (option == null || flag.equals("--config-file") || option.usageHelp() || option.versionHelp()) {
                throw new ConfigException("config-file", "unknown key '" + e.getKey() + "' in " + configFile);
            }
            if (result.hasMatchedOption(flag)) {
                continue;
            }
            Object v = e.getValue();
            String text = v instanceof List<?> list
                    ? String.join(",", list.stream().map(String::valueOf).toList())
                    : String.valueOf(v);
            option.setValue(text);
        }
    }

    private NodeConfig validate() {
        if (name.isBlank()) {
            throw new ConfigException("name", "must not be empty");
        }
        List<URI> clientUrls = urls("listen-client-urls", listenClientUrls);
        List<URI> advertiseClient = urls("advertise-client-urls", advertiseClientUrls);
        List<URI> peerUrls = urls("listen-peer-urls", listenPeerUrls);
        List<URI> advertisePeer = urls("initial-advertise-peer-urls", initialAdvertisePeerUrls);
        Map<String, List<URI>> cluster = initialCluster == null
                ? Map.of(name, advertisePeer)
                : parseInitialCluster(initialCluster);
        if (!cluster.containsKey(name)) {
            throw new ConfigException("initial-cluster", "has no member named '" + name + "' (this node's --name)");
        }
        if (!sameUrls(cluster.get(name), advertisePeer)) {
            throw new ConfigException("initial-cluster", "lists " + cluster.get(name) + " for '" + name
                    + "' but --initial-advertise-peer-urls is " + advertisePeer);
        }
        int heartbeat = positiveInt("heartbeat-interval", heartbeatInterval);
        int election = positiveInt("election-timeout", electionTimeout);
        if (election < 5 * heartbeat) {
            throw new ConfigException("election-timeout", election + " ms must be at least 5 x --heartbeat-interval (" + heartbeat + " ms)");
        }
        if (election > 50_000) {
            throw new ConfigException("election-timeout", election + " ms is above the 50000 ms maximum");
        }
        int maxRequest = positiveInt("max-request-bytes", maxRequestBytes);
        long quota = nonNegativeLong("quota-backend-bytes", quotaBackendBytes);
        long snapshots = positiveLong("snapshot-count", snapshotCount);
        List<URI> metrics = listenMetricsUrls == null
                ? List.of(URI.create("http://" + clientUrls.get(0).getHost() + ":" + (clientUrls.get(0).getPort() + 10000)))
                : urls("listen-metrics-urls", listenMetricsUrls);
        Path dir = Path.of(dataDir == null ? name + ".raftkv" : dataDir);
        long progressNotifyMillis = durationMillis("experimental-watch-progress-notify-interval",
                watchProgressNotifyInterval);
        return new NodeConfig(name, dir, clientUrls, advertiseClient, peerUrls, advertisePeer, cluster,
                ClusterState.parse("initial-cluster-state", initialClusterState), initialClusterToken,
                heartbeat, election, maxRequest, quota == 0 ? 2L << 30 : quota, snapshots, metrics,
                progressNotifyMillis);
    }

    private static Map<String, List<URI>> parseInitialCluster(String value) {
        Map<String, List<URI>> members = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            String item = part.trim();
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw new ConfigException("initial-cluster", "'" + item + "' is not name=URL");
            }
            String member = item.substring(0, eq);
            URI url = url("initial-cluster", item.substring(eq + 1));
            members.computeIfAbsent(member, k -> new ArrayList<>()).add(url);
        }
        return members;
    }

    private static List<URI> urls(String flag, String value) {
        List<URI> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(url(flag, part.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(flag, "needs at least one URL");
        }
        return out;
    }

    private static URI url(String flag, String text) {
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new ConfigException(flag, "'" + text + "' must start with http:// or https://");
            }
            if (uri.getHost() == null || uri.getPort() <= 0) {
                throw new ConfigException(flag, "'" + text + "' needs a host and a port");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(flag, "'" + text + "' is not a URL");
        }
    }

    private static boolean sameUrls(List<URI> a, List<URI> b) {
        return a.stream().map(URI::toString).sorted().toList().equals(b.stream().map(URI::toString).sorted().toList());
    }

    /** Go-style durations as etcd takes them: 500ms, 10s, 10m, 1h. */
    private static long durationMillis(String flag, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value.trim());
        if (!m.matches()) {
            throw new ConfigException(flag, "'" + value + "' is not a duration such as 500ms, 10s or 10m");
        }
        long n = Long.parseLong(m.group(1));
        long millis = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        if (millis <= 0) {
            throw new ConfigException(flag, "must be positive");
        }
        return millis;
    }

    private static int positiveInt(String flag, String value) {
        long v = positiveLong(flag, value);
        if (v > Integer.MAX_VALUE) {
            throw new ConfigException(flag, value + " is too large");
        }
        return (int) v;
    }

    private static long positiveLong(String flag, String value) {
        long v = nonNegativeLong(flag, value);
        if (v == 0) {
            throw new ConfigException(flag, "must be positive");
        }
        return v;
    }

    private static long nonNegativeLong(String flag, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                throw new ConfigException(flag, "must not be negative, got " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(flag, "'" + value + "' is not a number");
        }
    }
}
