package io.raftkv.bench;

import java.time.Duration;

/**
 * One load, in etcd benchmark's vocabulary. It stops after {@code total} requests if that is
 * positive, else after {@code duration}. Keys are {@code keySize} bytes: the key's index in
 * [0, keySpaceSize) in zero-padded decimal, chosen at random or in sequence.
 *
 * @param name          how tables and files call this load
 * @param serializable  range only: read the node's local state (--consistency s) instead of a
 *                      linearizable read (l)
 * @param rangeKey      range only: read this one key; empty: keys of the key space
 * @param txnOps        txn-put only: puts per transaction
 * @param watchStreams  watch-latency only: watch streams, spread over the connections
 * @param watchersPerStream watch-latency only: watchers of the one key on each stream
 * @param putRate       watch-latency only: puts per second
 */
public record LoadSpec(
        String name,
        Workload workload,
        int conns,
        int clients,
        long total,
        Duration duration,
        int keySize,
        int valSize,
        int keySpaceSize,
        boolean sequentialKeys,
        boolean serializable,
        String rangeKey,
        int txnOps,
        int watchStreams,
        int watchersPerStream,
        int putRate) {

    public LoadSpec {
        require(conns >= 1, "--conns must be at least 1, not " + conns);
        require(clients >= 1, "--clients must be at least 1, not " + clients);
        require(total >= 0, "--total must not be negative, not " + total);
        require(total > 0 || duration.compareTo(Duration.ZERO) > 0, "give --total or a positive --duration");
        require(keySize >= 1, "--key-size must be at least 1, not " + keySize);
        require(valSize >= 0, "--val-size must not be negative, not " + valSize);
        require(keySpaceSize >= 1, "--key-space-size must be at least 1, not " + keySpaceSize);
        require(Long.toString(keySpaceSize - 1L).length() <= keySize, "--key-size " + keySize
                + " is too small for --key-space-size " + keySpaceSize + " (keys are decimal indexes)");
        require(txnOps >= 1, "--txn-ops must be at least 1, not " + txnOps);
        require(txnOps <= keySpaceSize, "--txn-ops " + txnOps + " needs --key-space-size of at least " + txnOps
                + " (the puts of one transaction take distinct keys)");
        require(watchStreams >= 1 && watchersPerStream >= 1, "--streams and --watchers-per-stream must be at least 1");
        require(putRate >= 1, "--put-rate must be at least 1, not " + putRate);
        if (workload == Workload.WATCH_LATENCY) {
            require(valSize >= Long.BYTES, "watch-latency needs --val-size of at least 8 (the send time travels in the value)");
        }
    }

    /** A closed-loop load of {@code workload} with etcd benchmark's defaults for everything else. */
    public static LoadSpec of(String name, Workload workload, int conns, int clients, Duration duration) {
        return new LoadSpec(name, workload, conns, clients, 0, duration, 8, 8, 1, false, false, "", 1, 10, 10, 100);
    }

    public LoadSpec withSizes(int keySize, int valSize, int keySpaceSize) {
        return new LoadSpec(name, workload, conns, clients, total, duration, keySize, valSize, keySpaceSize,
                sequentialKeys, serializable, rangeKey, txnOps, watchStreams, watchersPerStream, putRate);
    }

    public LoadSpec withSerializable(boolean serializable) {
        return new LoadSpec(name, workload, conns, clients, total, duration, keySize, valSize, keySpaceSize,
                sequentialKeys, serializable, rangeKey, txnOps, watchStreams, watchersPerStream, putRate);
    }

    /** Range only: read {@code rangeKey} alone (empty: keys of the key space). */
    public LoadSpec withRangeKey(String rangeKey) {
        return new LoadSpec(name, workload, conns, clients, total, duration, keySize, valSize, keySpaceSize,
                sequentialKeys, serializable, rangeKey, txnOps, watchStreams, watchersPerStream, putRate);
    }

    public LoadSpec withTxnOps(int txnOps) {
        return new LoadSpec(name, workload, conns, clients, total, duration, keySize, valSize, keySpaceSize,
                sequentialKeys, serializable, rangeKey, txnOps, watchStreams, watchersPerStream, putRate);
    }

    /** Watch-latency only: {@code total} puts (0: for the duration) at {@code putRate}, watched so. */
    public LoadSpec withWatchers(long total, int watchStreams, int watchersPerStream, int putRate) {
        return new LoadSpec(name, workload, conns, clients, total, duration, keySize, valSize, keySpaceSize,
                sequentialKeys, serializable, rangeKey, txnOps, watchStreams, watchersPerStream, putRate);
    }

    public LoadSpec withDuration(Duration duration) {
        return new LoadSpec(name, workload, conns, clients, 0, duration, keySize, valSize, keySpaceSize,
                sequentialKeys, serializable, rangeKey, txnOps, watchStreams, watchersPerStream, putRate);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new BenchException(message);
        }
    }
}
