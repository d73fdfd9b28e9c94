package io.raftkv.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.etcd.KVGrpc;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.etcd.WatchCreateRequest;
import io.raftkv.proto.etcd.WatchGrpc;
import io.raftkv.proto.etcd.WatchRequest;
import io.raftkv.proto.etcd.WatchResponse;
import io.raftkv.proto.mvcc.Event;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * etcd benchmark's watch-latency: {@code watchStreams} watch streams spread over the
 * connections, each with {@code watchersPerStream} watchers of one key; one writer puts that key
 * {@code putRate} times a second. The latency of an event is from the moment its put was sent
 * (carried in the value's first 8 bytes) to the moment a watcher receives it; an operation is
 * one event delivered to one watcher. Events that never arrive are counted as errors.
 */
public final class WatchLatencyLoad {
    private static final long CREATE_TIMEOUT_MS = 10_000;
    private static final long DRAIN_TIMEOUT_MS = 5_000;

    private final LoadSpec spec;
    private final List<String> endpoints;
    private final long requestTimeoutMs;

    public WatchLatencyLoad(LoadSpec spec, List<String> endpoints, long requestTimeoutMs) {
        this.spec = spec;
        this.endpoints = endpoints;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    public LoadResult run() {
        List<ManagedChannel> channels = EtcdEndpoints.open(endpoints, spec.conns());
        List<StreamObserver<WatchRequest>> streams = new ArrayList<>();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        SynchronizedHistogram latency = new SynchronizedHistogram(LoadGenerator.HIGHEST_MICROS, 3);
        ByteString key = LoadGenerator.key(0, spec.keySize());
        long puts = spec.total() > 0 ? spec.total() : Math.max(1, spec.duration().toSeconds() * spec.putRate());
        int watchers = spec.watchStreams() * spec.watchersPerStream();
        CountDownLatch created = new CountDownLatch(watchers);
        CountDownLatch delivered = new CountDownLatch((int) Math.min(Integer.MAX_VALUE, puts * watchers));
        try {
            for (int s = 0; s < spec.watchStreams(); s++) {
                StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channels.get(s % channels.size()))
                        .watch(new StreamObserver<>() {
                            @Override
                            public void onNext(WatchResponse r) {
                                long now = System.nanoTime();
                                if (r.getCreated()) {
                                    created.countDown();
                                }
                                for (Event e : r.getEventsList()) {
                                    long sent = ByteBuffer.wrap(e.getKv().getValue().substring(0, Long.BYTES).toByteArray()).getLong();
                                    latency.recordValue(Math.min(LoadGenerator.HIGHEST_MICROS, (now - sent) / 1000));
                                    delivered.countDown();
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                countError(errors, "watch stream: ", t);
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                streams.add(requests);
                for (int w = 0; w < spec.watchersPerStream(); w++) {
                    requests.onNext(WatchRequest.newBuilder()
                            .setCreateRequest(WatchCreateRequest.newBuilder().setKey(key)).build());
                }
            }
            if (!created.await(CREATE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new BenchException("watch-latency: only " + (watchers - created.getCount()) + " of " + watchers
                        + " watchers were created within " + CREATE_TIMEOUT_MS + " ms" + (errors.isEmpty() ? "" : ": " + errors));
            }
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channels.get(0));
            byte[] value = new byte[spec.valSize()];
            long start = System.nanoTime();
            long interval = TimeUnit.SECONDS.toNanos(1) / spec.putRate();
            long failedPuts = 0;
            for (long i = 0; i < puts; i++) {
                long due = start + i * interval;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                ByteBuffer.wrap(value).putLong(System.nanoTime());
                try {
                    kv.withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
                            .put(PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFrom(value)).build());
                } catch (StatusRuntimeException e) {
                    countError(errors, "put: ", e);
                    failedPuts++;
                }
            }
            delivered.await(DRAIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long elapsed = System.nanoTime() - start;
            long missing = delivered.getCount() - failedPuts * watchers;
            if (missing > 0) {
                errors.computeIfAbsent("events not delivered within " + DRAIN_TIMEOUT_MS + " ms after the last put",
                        k -> new LongAdder()).add(missing);
            }
            Histogram copy = latency.copy();
            Map<String, Long> errorCounts = new TreeMap<>();
            errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
            return new LoadResult(spec, copy.getTotalCount(), errorCounts, elapsed, copy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        } finally {
            for (StreamObserver<WatchRequest> s : streams) {
                try {
                    s.onCompleted();
                } catch (RuntimeException e) {
                    // the stream is already gone
                }
            }
            EtcdEndpoints.close(channels);
        }
    }

    private static void countError(Map<String, LongAdder> errors, String what, Throwable t) {
        Status st = Status.fromThrowable(t);
        if (st.getCode() == Status.Code.CANCELLED) {
            return; // our own shutdown of the stream
        }
        errors.computeIfAbsent(what + EtcdEndpoints.describe(st), k -> new LongAdder()).increment();
    }
}
