package io.raftkv.bench.failover;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.etcd.RangeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Continuous load during the faults: writers put unique keys (writer id + sequence) and remember
 * each acknowledged one; readers make linearizable gets. Every client sends each operation to the
 * next endpoint in turn, so the load is spread over all members and a failed call is retried on
 * another one. Each call has its own deadline; clients are paced so that the shared machine's CPU
 * goes to the cluster, not to the load.
 */
final class Workload implements AutoCloseable {
    private static final ByteString VALUE = Endpoints.utf8("failover-benchmark-value");

    private final Endpoints endpoints;
    private final String prefix;
    private final Duration opTimeout;
    private final long intervalNanos;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    final SuccessTimeline writes = new SuccessTimeline();
    final SuccessTimeline reads = new SuccessTimeline();
    final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    final AtomicLong failedWrites = new AtomicLong();
    final AtomicLong failedReads = new AtomicLong();
    /** Linearizable reads that did not see a key whose write was acknowledged before the read began. */
    final Queue<String> staleReads = new ConcurrentLinkedQueue<>();
    private final AtomicReference<String> latestAcknowledged = new AtomicReference<>();

    Workload(Endpoints endpoints, String prefix, int clients, double opsPerSecondPerClient, Duration opTimeout) {
        this.endpoints = endpoints;
        this.prefix = prefix;
        this.opTimeout = opTimeout;
        this.intervalNanos = (long) (1e9 / opsPerSecondPerClient);
        for (int id = 0; id < clients; id++) {
            int client = id;
            threads.add(new Thread(() -> write(client), "failover-writer-" + id));
            threads.add(new Thread(() -> read(client), "failover-reader-" + id));
        }
        // Never keeps the JVM alive, whatever happens to the run.
        threads.forEach(t -> t.setDaemon(true));
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** A write the benchmark itself made (the serving probe): read back at the end like the others. */
    void acknowledgedElsewhere(String key) {
        acknowledged.add(key);
    }

    private void write(int client) {
        int endpoint = client % endpoints.size();
        long sequence = 0;
        long next = System.nanoTime();
        while (running) {
            next = pace(next);
            String key = prefix + "w" + client + "/" + sequence++;
            try {
                endpoints.put(endpoint, key, VALUE, opTimeout);
                writes.record(System.nanoTime());
                acknowledged.add(key);
                latestAcknowledged.set(key);
            } catch (StatusRuntimeException e) {
                failedWrites.incrementAndGet();
                endpoints.reconnectSoon(endpoint);
            }
            endpoint = (endpoint + 1) % endpoints.size();
        }
    }

    private void read(int client) {
        int endpoint = (client + 1) % endpoints.size();
        long next = System.nanoTime();
        while (running) {
            next = pace(next);
            // Taken before the read is sent: that write was acknowledged before this read began.
            String mustSee = latestAcknowledged.get();
            try {
                RangeResponse response = endpoints.get(endpoint, mustSee == null ? prefix : mustSee, opTimeout);
                reads.record(System.nanoTime());
                if (mustSee != null && response.getKvsCount() == 0) {
                    staleReads.add(mustSee + " (via " + endpoints.endpoint(endpoint) + ")");
                }
            } catch (StatusRuntimeException e) {
                failedReads.incrementAndGet();
                endpoints.reconnectSoon(endpoint);
            }
            endpoint = (endpoint + 1) % endpoints.size();
        }
    }

    /** Waits for the next slot of this client's schedule; a client that fell behind does not burst. */
    private long pace(long next) {
        long now = System.nanoTime();
        if (next > now) {
            LockSupport.parkNanos(next - now);
            return next + intervalNanos;
        }
        return now + intervalNanos;
    }

    @Override
    public void close() {
        running = false;
        long deadline = System.nanoTime() + opTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
