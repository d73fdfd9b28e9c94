package io.raftkv.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.RangeRequest;
import io.raftkv.proto.etcd.RequestOp;
import io.raftkv.proto.etcd.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load (put, range, txn-put) over the etcd v3 KV API: {@code clients} requests in
 * flight at all times, spread over {@code conns} connections; each client sends its next request
 * when the previous one completes. Latency is recorded per client in microseconds and merged at
 * the end; failures are counted by status, never dropped.
 */
public final class LoadGenerator {
    /** Latencies above a minute are recorded as a minute (the request deadline is far below). */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final LoadSpec spec;
    private final List<String> endpoints;
    private final long requestTimeoutMs;

    public LoadGenerator(LoadSpec spec, List<String> endpoints, long requestTimeoutMs) {
        if (spec.workload() == Workload.WATCH_LATENCY) {
            throw new IllegalArgumentException("watch-latency is not a closed-loop load: use WatchLatencyLoad");
        }
        this.spec = spec;
        this.endpoints = endpoints;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    public LoadResult run() {
        List<ManagedChannel> channels = EtcdEndpoints.open(endpoints, spec.conns());
        // Only the error path hops threads: a call that fails at once must not recurse into the next one.
        ExecutorService afterError = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-after-error");
            t.setDaemon(true);
            return t;
        });
        try {
            AtomicLong issued = new AtomicLong();
            CountDownLatch done = new CountDownLatch(spec.clients());
            Map<String, LongAdder> errors = new ConcurrentHashMap<>();
            ByteString value = randomValue(spec.valSize());
            long start = System.nanoTime();
            long deadline = spec.total() > 0 ? Long.MAX_VALUE : start + spec.duration().toNanos();
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < spec.clients(); i++) {
                clients.add(new Client(KVGrpc.newStub(channels.get(i % channels.size())), issued, deadline, done, errors,
                        value, afterError));
            }
            clients.forEach(Client::next);
            long waitMs = (spec.total() > 0 ? TimeUnit.HOURS.toMillis(1) : spec.duration().toMillis())
                    + requestTimeoutMs + 5000;
            if (!done.await(waitMs, TimeUnit.MILLISECONDS)) {
                throw new BenchException(spec.name() + ": " + done.getCount() + " clients still waiting "
                        + waitMs + " ms after the start; giving up");
            }
            long elapsed = System.nanoTime() - start;
            Histogram merged = new Histogram(HIGHEST_MICROS, 3);
            long ops = 0;
            for (Client c : clients) {
                merged.add(c.latency);
                ops += c.latency.getTotalCount();
            }
            Map<String, Long> errorCounts = new TreeMap<>();
            errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
            return new LoadResult(spec, ops, errorCounts, elapsed, merged);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        } finally {
            EtcdEndpoints.close(channels);
            afterError.shutdownNow();
        }
    }

    static ByteString randomValue(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        return ByteString.copyFrom(b);
    }

    /** Key number {@code index} as zero-padded decimal of {@code keySize} bytes. */
    static ByteString key(long index, int keySize) {
        String digits = Long.toString(index);
        StringBuilder s = new StringBuilder(keySize);
        for (int i = digits.length(); i < keySize; i++) {
            s.append('0');
        }
        return ByteString.copyFrom(s.append(digits).toString(), StandardCharsets.US_ASCII);
    }

    private final class Client {
        private final KVGrpc.KVStub stub;
        private final AtomicLong issued;
        private final long deadline;
        private final CountDownLatch done;
        private final Map<String, LongAdder> errors;
        private final ByteString value;
        private final ExecutorService afterError;
        /** Written only by this client's callbacks, one at a time (one request in flight). */
        final Histogram latency = new Histogram(HIGHEST_MICROS, 3);

        Client(KVGrpc.KVStub stub, AtomicLong issued, long deadline, CountDownLatch done, Map<String, LongAdder> errors,
                ByteString value, ExecutorService afterError) {
            this.stub = stub;
            this.issued = issued;
            this.deadline = deadline;
            this.done = done;
            this.errors = errors;
            this.value = value;
            this.afterError = afterError;
        }

        void next() {
            long n = issued.getAndIncrement();
            if ((spec.total() > 0 && n >= spec.total()) || System.nanoTime() >= deadline) {
                done.countDown();
                return;
            }
            long sent = System.nanoTime();
            KVGrpc.KVStub s = stub.withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS);
            switch (spec.workload()) {
                case PUT -> s.put(PutRequest.newBuilder().setKey(keyFor(n)).setValue(value).build(), observer(sent));
                case RANGE -> s.range(RangeRequest.newBuilder()
                        .setKey(spec.rangeKey().isEmpty() ? keyFor(n) : ByteString.copyFromUtf8(spec.rangeKey()))
                        .setSerializable(spec.serializable()).build(), observer(sent));
                case TXN_PUT -> {
                    // Consecutive keys from one start: distinct, as etcd refuses a txn that puts a key twice.
                    TxnRequest.Builder txn = TxnRequest.newBuilder();
                    long first = keyIndex(n * spec.txnOps());
                    for (int i = 0; i < spec.txnOps(); i++) {
                        ByteString k = key((first + i) % spec.keySpaceSize(), spec.keySize());
                        txn.addSuccess(RequestOp.newBuilder().setRequestPut(
                                PutRequest.newBuilder().setKey(k).setValue(value)));
                    }
                    s.txn(txn.build(), observer(sent));
                }
                default -> throw new IllegalStateException(spec.workload().command());
            }
        }

        private ByteString keyFor(long n) {
            return key(keyIndex(n), spec.keySize());
        }

        private long keyIndex(long n) {
            return spec.sequentialKeys() ? n % spec.keySpaceSize()
                    : ThreadLocalRandom.current().nextInt(spec.keySpaceSize());
        }

        private <T> StreamObserver<T> observer(long sent) {
            return new StreamObserver<>() {
                @Override
                public void onNext(T response) {
                }

                @Override
                public void onError(Throwable t) {
                    errors.computeIfAbsent(EtcdEndpoints.describe(Status.fromThrowable(t)), k -> new LongAdder()).increment();
                    afterError.execute(Client.this::next);
                }

                @Override
                public void onCompleted() {
                    latency.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - sent) / 1000));
                    next();
                }
            };
        }
    }
}
