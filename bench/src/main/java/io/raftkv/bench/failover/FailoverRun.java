package io.raftkv.bench.failover;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.raftkv.bench.BenchException;
import io.raftkv.bench.LocalCluster;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RangeResponse;
import io.raftkv.proto.etcd.StatusResponse;
import io.raftkv.proto.mvcc.KeyValue;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The rounds against one fresh local cluster: under continuous load, kill -9 the leader and restart
 * it, kill -9 a follower and restart it, SIGSTOP the leader and resume it; then read back every
 * acknowledged write.
 */
final class FailoverRun {
    private static final Duration STATUS_DEADLINE = Duration.ofMillis(300);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final String PREFIX = "failover/";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int EXAMPLES = 10;

    private final LocalCluster cluster;
    private final String system;
    private final RunSettings settings;
    private final PrintStream progress;
    private long[] memberIds;

    FailoverRun(LocalCluster cluster, String system, RunSettings settings, PrintStream progress) {
        this.cluster = cluster;
        this.system = system;
        this.settings = settings;
        this.progress = progress;
    }

    /** Runs the rounds on a cluster that is up and checks the writes; the caller tears the cluster down. */
    SystemResult run() {
        List<PhaseResult> phases = new ArrayList<>();
        String error = null;
        try (Endpoints endpoints = new Endpoints(cluster.endpoints())) {
            Workload workload = new Workload(endpoints, PREFIX, settings.clients(), settings.opsPerSecondPerClient(), settings.opTimeout());
            try {
                memberIds = memberIds(endpoints);
                workload.start();
                waitUntil(System.nanoTime() + settings.settle().toNanos());
                for (int round = 1; round <= settings.rounds() && error == null; round++) {
                    for (Fault fault : Fault.values()) {
                        PhaseResult phase = phase(endpoints, workload, round, fault);
                        phases.add(phase);
                        progress.printf("%s %s: round %d, %s n%d: new leader %s, serving %s after %s, longest gap writes %.2f s, reads %.2f s%n",
                                CLOCK.format(LocalTime.now()), system, round, fault.label, phase.node(), seconds(phase.leaderAfter()),
                                seconds(phase.servingAfter()), fault == Fault.PAUSE_LEADER ? "SIGCONT" : "restart", phase.writeGap(), phase.readGap());
                        if (phase.servingAfter() == null || phase.servingAfter() > 1) {
                            progress.printf("%s: n%d through its own endpoint: first write %s (before: %s), first linearizable read %s (before: %s)%n",
                                    system, phase.node(), seconds(phase.probeWriteAfter()), Objects.requireNonNullElse(phase.probeWriteError(), "-"),
                                    seconds(phase.probeReadAfter()), Objects.requireNonNullElse(phase.probeReadError(), "-"));
                        }
                        if (!phase.recovered()) {
                            error = "round " + round + ", " + fault.label + " n" + phase.node() + ": the cluster did not recover within "
                                    + settings.recoveryDeadline().toSeconds() + " s; see " + cluster.log(phase.node());
                            break;
                        }
                    }
                }
            } catch (BenchException | ClusterNotSteadyException e) {
                error = e.getMessage();
            } finally {
                workload.close();
            }
            if (error != null) {
                progress.printf("%s: %s%n", system, error);
            }
            return verify(system, endpoints, workload, phases, error);
        }
    }

    /** Reads back every acknowledged write; the result of the whole run. */
    private SystemResult verify(String system, Endpoints endpoints, Workload workload, List<PhaseResult> phases, String error) {
        List<String> stale = List.copyOf(workload.staleReads);
        Integer missingCount = null;
        List<String> missing = List.of();
        try {
            Set<String> found = readBack(endpoints);
            missing = workload.acknowledged.stream().filter(k -> !found.contains(k)).toList();
            missingCount = missing.size();
        } catch (ClusterNotSteadyException e) {
            progress.printf("%s: %s%n", system, e.getMessage());
            error = error == null ? e.getMessage() : error + "; " + e.getMessage();
        }
        return new SystemResult(system, phases, workload.acknowledged.size(), missingCount, firstFew(missing),
                stale.size(), firstFew(stale), workload.failedWrites.get(), workload.failedReads.get(), error);
    }

    private static List<String> firstFew(List<String> all) {
        return all.subList(0, Math.min(EXAMPLES, all.size()));
    }

    private PhaseResult phase(Endpoints endpoints, Workload workload, int round, Fault fault) {
        Steady steady = awaitSteady(endpoints);
        int target = fault == Fault.KILL_FOLLOWER ? (steady.leader() + 1 + round % 2) % cluster.nodes() : steady.leader();
        int node = target + 1;
        long faultedId = memberIds[target];
        LeaderWatch watch = new LeaderWatch(endpoints, target, faultedId, steady.term());

        long faultAt = System.nanoTime();
        watch.start();
        long restartAt;
        Serving serving;
        Optional<Long> leaderAt;
        try {
            if (fault == Fault.PAUSE_LEADER) {
                cluster.pause(node);
                waitUntil(faultAt + settings.pause().toNanos());
                restartAt = System.nanoTime();
                cluster.resume(node);
            } else {
                cluster.kill(node);
                waitUntil(faultAt + settings.restartAfter().toNanos());
                restartAt = System.nanoTime();
                cluster.start(node);
            }
            serving = awaitServing(endpoints, workload, target, restartAt, round, fault);
            leaderAt = watch.await(faultAt + settings.recoveryDeadline().toNanos());
        } finally {
            watch.stop();
        }
        long phaseEnd = System.nanoTime() + settings.settle().toNanos();
        waitUntil(phaseEnd);
        return new PhaseResult(round, fault, node,
                leaderAt.map(t -> toSeconds(t - faultAt)).orElse(null),
                serving.at().map(t -> toSeconds(t - restartAt)).orElse(null),
                serving.wroteAt() == 0 ? null : toSeconds(serving.wroteAt() - restartAt),
                serving.readAt() == 0 ? null : toSeconds(serving.readAt() - restartAt),
                serving.lastWriteError(),
                serving.lastReadError(),
                toSeconds(workload.writes.longestGapNanos(faultAt, phaseEnd)),
                toSeconds(workload.reads.longestGapNanos(faultAt, phaseEnd)),
                workload.writes.countBetween(faultAt, phaseEnd),
                workload.reads.countBetween(faultAt, phaseEnd));
    }

    /**
     * When a write and a linearizable read first succeeded through member {@code index} after its
     * restart (0: not before the deadline), and why the last attempt before that failed.
     */
    private record Serving(long wroteAt, long readAt, String lastWriteError, String lastReadError) {
        Optional<Long> at() {
            return wroteAt != 0 && readAt != 0 ? Optional.of(Math.max(wroteAt, readAt)) : Optional.empty();
        }
    }

    private Serving awaitServing(Endpoints endpoints, Workload workload, int index, long restartAt, int round, Fault fault) {
        long deadline = restartAt + settings.recoveryDeadline().toNanos();
        String key = PREFIX + "probe/" + round + "/" + fault.name().toLowerCase() + "/";
        long wroteAt = 0;
        long readAt = 0;
        String writeError = null;
        String readError = null;
        int attempt = 0;
        while (System.nanoTime() < deadline && (wroteAt == 0 || readAt == 0)) {
            endpoints.reconnectSoon(index);
            String probeKey = key + attempt++;
            if (wroteAt == 0) {
                try {
                    endpoints.put(index, probeKey, Endpoints.utf8("probe"), settings.opTimeout());
                    wroteAt = System.nanoTime();
                    workload.acknowledgedElsewhere(probeKey);
                } catch (StatusRuntimeException e) {
                    writeError = describe(e);
                }
            }
            if (readAt == 0) {
                try {
                    endpoints.get(index, probeKey, settings.opTimeout());
                    readAt = System.nanoTime();
                } catch (StatusRuntimeException e) {
                    readError = describe(e);
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return new Serving(wroteAt, readAt, writeError, readError);
    }

    private static String describe(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return e.getStatus().getCode() + (description == null ? "" : ": " + description.substring(0, Math.min(160, description.length())));
    }

    private record Steady(int leader, long term) {
    }

    /** Waits until every member answers Status and all name the same leader. */
    private Steady awaitSteady(Endpoints endpoints) {
        long deadline = System.nanoTime() + settings.recoveryDeadline().toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            long leader = -1;
            long term = 0;
            boolean agreed = true;
            for (int i = 0; i < endpoints.size() && agreed; i++) {
                Optional<StatusResponse> status = endpoints.status(i, STATUS_DEADLINE);
                if (status.isEmpty()) {
                    agreed = false;
                    last = "n" + (i + 1) + " does not answer Status";
                } else if (status.get().getLeader() == 0 || (leader != -1 && status.get().getLeader() != leader)) {
                    agreed = false;
                    last = "members disagree on the leader";
                } else {
                    leader = status.get().getLeader();
                    term = Math.max(term, term(status.get()));
                }
            }
            if (agreed) {
                for (int i = 0; i < memberIds.length; i++) {
                    if (memberIds[i] == leader) {
                        return new Steady(i, term);
                    }
                }
                last = "the leader " + Long.toHexString(leader) + " is not one of the members";
            }
            LockSupport.parkNanos(POLL_NANOS * 5);
        }
        throw new ClusterNotSteadyException("no leader that every member agrees on within "
                + settings.recoveryDeadline().toSeconds() + " s before the next fault (" + last + ")");
    }

    private long[] memberIds(Endpoints endpoints) {
        long deadline = System.nanoTime() + settings.recoveryDeadline().toNanos();
        long[] ids = new long[endpoints.size()];
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == 0) {
                    ids[i] = endpoints.status(i, STATUS_DEADLINE).map(s -> s.getHeader().getMemberId()).orElse(0L);
                }
            }
            if (Arrays.stream(ids).allMatch(id -> id != 0)) {
                return ids;
            }
            LockSupport.parkNanos(POLL_NANOS * 5);
        }
        throw new ClusterNotSteadyException("not every member answered Status within " + settings.recoveryDeadline().toSeconds() + " s");
    }

    private static long term(StatusResponse status) {
        return Math.max(status.getRaftTerm(), status.getHeader().getRaftTerm());
    }

    /**
     * Polls the surviving members' Status from the fault on, until one reports a leader that is not
     * the faulted member, or the faulted member again in a later term (re-elected after its return).
     */
    private static final class LeaderWatch {
        private final Endpoints endpoints;
        private final int faulted;
        private final long faultedId;
        private final long termAtFault;
        private final AtomicLong seenAt = new AtomicLong();
        private volatile boolean stopped;
        private final Thread thread;

        LeaderWatch(Endpoints endpoints, int faulted, long faultedId, long termAtFault) {
            this.endpoints = endpoints;
            this.faulted = faulted;
            this.faultedId = faultedId;
            this.termAtFault = termAtFault;
            this.thread = new Thread(this::poll, "failover-leader-watch");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void poll() {
            while (!stopped) {
                for (int i = 0; i < endpoints.size(); i++) {
                    if (i == faulted) {
                        continue;
                    }
                    Optional<StatusResponse> status = endpoints.status(i, STATUS_DEADLINE);
                    if (status.isPresent()) {
                        long leader = status.get().getLeader();
                        if (leader != 0 && (leader != faultedId || term(status.get()) > termAtFault)) {
                            seenAt.set(System.nanoTime());
                            return;
                        }
                    }
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }

        void stop() {
            stopped = true;
        }

        Optional<Long> await(long deadline) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop();
            long at = seenAt.get();
            return at == 0 ? Optional.empty() : Optional.of(at);
        }
    }

    /** Every key under the prefix, read linearizably page by page, trying each member in turn. */
    private Set<String> readBack(Endpoints endpoints) {
        Set<String> keys = new HashSet<>();
        byte[] end = PREFIX.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        ByteString from = Endpoints.utf8(PREFIX);
        long deadline = System.nanoTime() + settings.recoveryDeadline().toNanos();
        int endpoint = 0;
        while (true) {
            RangeRequest request = RangeRequest.newBuilder().setKey(from).setRangeEnd(ByteString.copyFrom(end))
                    .setKeysOnly(true).setLimit(10_000).build();
            RangeResponse page;
            try {
                page = endpoints.range(endpoint, request, Duration.ofSeconds(10));
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterNotSteadyException("could not read the acknowledged writes back within "
                            + settings.recoveryDeadline().toSeconds() + " s: " + e.getStatus());
                }
                endpoints.reconnectSoon(endpoint);
                endpoint = (endpoint + 1) % endpoints.size();
                LockSupport.parkNanos(POLL_NANOS * 10);
                continue;
            }
            for (KeyValue kv : page.getKvsList()) {
                keys.add(kv.getKey().toStringUtf8());
            }
            if (!page.getMore() || page.getKvsCount() == 0) {
                return keys;
            }
            from = page.getKvs(page.getKvsCount() - 1).getKey().concat(ByteString.copyFrom(new byte[] {0}));
        }
    }

    /** The tool's own waits (restart-after, pause, settle) against the clock. */
    private static void waitUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static double toSeconds(long nanos) {
        return nanos / 1e9;
    }

    static String seconds(Double value) {
        return value == null ? "never" : String.format("%.2f s", value);
    }

    /** The cluster never settled: a finding about the system under test, reported, not thrown out of the tool. */
    static final class ClusterNotSteadyException extends RuntimeException {
        ClusterNotSteadyException(String message) {
            super(message);
        }
    }
}
