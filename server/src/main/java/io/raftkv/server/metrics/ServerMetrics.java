package io.raftkv.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * etcd's server metrics under etcd's names, types and help texts, so that etcd's Grafana
 * dashboards and alerting rules work on RaftKV unchanged. What the node measures reaches this
 * class as plain calls ({@link #leaderChanged}, {@link #walFsync}, ...), so the Raft, apply and
 * storage code knows nothing of the metrics library.
 *
 * <p>Made before the member opens and cheap to make; the metrics library (hundreds of classes)
 * is touched only by {@link #bind}, which the server calls once consensus runs, so it never
 * delays a member's start. Counts made before then are kept; latencies are recorded from then on.
 */
public final class ServerMetrics {
    /** etcd's buckets for disk latencies: 1 ms doubling to 8.192 s (prometheus.ExponentialBuckets(0.001, 2, 14)). */
    static final Duration[] DISK_BUCKETS = exponentialBuckets(Duration.ofMillis(1), 14);
    /** etcd's buckets for peer round trips: 0.1 ms doubling to 0.8192 s. */
    static final Duration[] ROUND_TRIP_BUCKETS = exponentialBuckets(Duration.ofNanos(100_000), 14);

    /** What the gauges read from the member. */
    public interface Sources {
        boolean hasLeader();

        boolean isLeader();

        boolean isLearner();

        long committedIndex();

        long appliedIndex();

        /** Proposals this member made that wait to be committed and applied. */
        long pendingProposals();

        long revision();

        long dbSizeBytes();
    }

    private final LongAdder leaderChanges = new LongAdder();
    private final LongAdder proposalsFailed = new LongAdder();
    private final LongAdder readIndexesFailed = new LongAdder();
    private final Map<Long, Timer> peerRoundTrips = new ConcurrentHashMap<>();
    // Set once by bind(); null before.
    private volatile MeterRegistry registry;
    private volatile Timer walFsync;
    private volatile Timer backendCommit;
    /** Held here: a gauge keeps only a weak reference to what it reads. */
    private Sources member;

    /** Registers every meter in {@code registry}; the gauges read {@code member}. Once. */
    public void bind(MeterRegistry registry, Sources member) {
        this.member = member;
        counter(registry, "etcd.server.leader.changes.seen", "The number of leader changes seen.", leaderChanges);
        counter(registry, "etcd.server.proposals.failed", "The total number of failed proposals seen.",
                proposalsFailed);
        counter(registry, "etcd.server.read.indexes.failed", "The total number of failed read indexes seen.",
                readIndexesFailed);
        flag(registry, "etcd.server.has.leader", "Whether or not a leader exists. 1 is existence, 0 is not.",
                Sources::hasLeader);
        flag(registry, "etcd.server.is.leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
                Sources::isLeader);
        flag(registry, "etcd.server.is.learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.",
                Sources::isLearner);
        // etcd exports these two as gauges named *_total; they only grow, so counters here.
        FunctionCounter.builder("etcd.server.proposals.committed", member, m -> m.committedIndex())
                .description("The total number of consensus proposals committed.").register(registry);
        FunctionCounter.builder("etcd.server.proposals.applied", member, m -> m.appliedIndex())
                .description("The total number of consensus proposals applied.").register(registry);
        Gauge.builder("etcd.server.proposals.pending", member, m -> m.pendingProposals())
                .description("The current number of pending proposals to commit.").register(registry);
        Gauge.builder("etcd.debugging.mvcc.current.revision", member, m -> m.revision())
                .description("The current revision of store.").register(registry);
        // Prometheus name etcd_mvcc_db_total_size_in_bytes: the base unit adds "_bytes".
        Gauge.builder("etcd.mvcc.db.total.size.in", member, m -> m.dbSizeBytes()).baseUnit("bytes")
                .description("Total size of the underlying database physically allocated in bytes.")
                .register(registry);
        walFsync = diskTimer(registry, "etcd.disk.wal.fsync.duration",
                "The latency distributions of fsync called by WAL.");
        backendCommit = diskTimer(registry, "etcd.disk.backend.commit.duration",
                "The latency distributions of commit called by backend.");
        this.registry = registry;
    }

    public void leaderChanged() {
        leaderChanges.increment();
    }

    public void proposalFailed() {
        proposalsFailed.increment();
    }

    public void readIndexFailed() {
        readIndexesFailed.increment();
    }

    /** One durable write of the Raft log (entries and hard state, fsynced). */
    public void walFsync(long nanos) {
        Timer t = walFsync;
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One batch of committed entries written to the state machine. */
    public void backendCommit(long nanos) {
        Timer t = backendCommit;
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One probe's round trip to {@code peer} (etcd labels it {@code To}, the peer's id in hex). */
    public void peerRoundTrip(long peer, long nanos) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        peerRoundTrips.computeIfAbsent(peer, p -> Timer.builder("etcd.network.peer.round.trip.time")
                        .tag("To", Long.toUnsignedString(p, 16))
                        .description("Round-Trip-Time histogram between peers")
                        .serviceLevelObjectives(ROUND_TRIP_BUCKETS).register(r))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Timer diskTimer(MeterRegistry registry, String name, String help) {
        return Timer.builder(name).description(help).serviceLevelObjectives(DISK_BUCKETS).register(registry);
    }

    private static void counter(MeterRegistry registry, String name, String help, LongAdder count) {
        FunctionCounter.builder(name, count, LongAdder::doubleValue).description(help).register(registry);
    }

    private void flag(MeterRegistry registry, String name, String help, Predicate<Sources> value) {
        Gauge.builder(name, member, m -> value.test(m) ? 1 : 0).description(help).register(registry);
    }

    static Duration[] exponentialBuckets(Duration start, int count) {
        Duration[] buckets = new Duration[count];
        for (int i = 0; i < count; i++) {
            buckets[i] = start.multipliedBy(1L << i);
        }
        return buckets;
    }
}
