package io.raftkv.bench;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags every load shares, spelled as etcd's benchmark spells them. */
public final class LoadOptions {
    @Option(names = "--endpoints", split = ",", paramLabel = "HOST:PORT",
            description = "etcd v3 endpoints, comma-separated; connections go round-robin over them (default: ${DEFAULT-VALUE})",
            defaultValue = "127.0.0.1:2379")
    List<String> endpoints;

    @Option(names = "--conns", description = "gRPC connections (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int conns;

    @Option(names = "--clients", description = "concurrent requests in flight, spread over the connections (default: ${DEFAULT-VALUE})",
            defaultValue = "1")
    int clients;

    @Option(names = "--total", description = "requests in all (default 10000 unless --duration is given)")
    Long total;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "TIME",
            description = "run for this long instead of --total: 30s, 2m, 500ms (a bare number is seconds)")
    Duration duration;

    @Option(names = "--key-size", description = "key size in bytes (default: ${DEFAULT-VALUE})", defaultValue = "8")
    int keySize;

    @Option(names = "--val-size", description = "value size in bytes (default: ${DEFAULT-VALUE})", defaultValue = "8")
    int valSize;

    @Option(names = "--key-space-size", description = "number of distinct keys (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int keySpaceSize;

    @Option(names = "--sequential-keys", description = "use keys in sequence instead of at random")
    boolean sequentialKeys;

    @Option(names = "--request-timeout", converter = DurationConverter.class, paramLabel = "TIME",
            description = "deadline of each request; a request past it counts as an error (default: ${DEFAULT-VALUE})",
            defaultValue = "5s")
    Duration requestTimeout;

    LoadSpec spec(String name, Workload workload) {
        if (total != null && duration != null) {
            throw new BenchException("give --total or --duration, not both");
        }
        long t = duration != null ? 0 : total != null ? total : 10_000;
        return new LoadSpec(name, workload, conns, clients, t, duration == null ? Duration.ZERO : duration, keySize,
                valSize, keySpaceSize, sequentialKeys, false, "", 1, 10, 10, 100);
    }
}
