package io.raftkv.server.watch;

import io.raftkv.proto.etcd.WatchCreateRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long {@link WatchHub#publish} holds the apply thread while many watchers follow the
 * writes and some clients stop reading altogether. Prints publish latency percentiles and
 * what the fast clients received.
 *
 * <p>Run: {@code mvn -q -o -pl server -am test-compile} then
 * {@code java -cp server/target/test-classes:server/target/classes:<test classpath>
 * io.raftkv.server.watch.WatchFanOutBenchmark [streams] [watchersPerStream] [puts] [stalledStreams]}.
 */
public final class WatchFanOutBenchmark {
    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int watchersPerStream = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int puts = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        int stalled = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path dir = Files.createTempDirectory("watch-bench");
        try (WatchServiceFixture fixture = new WatchServiceFixture(dir, WatchOptions.defaults())) {
            List<WatchClient> clients = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                WatchClient client = s < stalled ? WatchClient.manual(fixture.channel, 0) : fixture.open();
                for (int w = 0; w < watchersPerStream; w++) {
                    client.create(WatchCreateRequest.newBuilder().setKey(AppliedStore.bytes("bench/"))
                            .setRangeEnd(AppliedStore.bytes("bench0")));
                }
                clients.add(client);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (fixture.applied.hub.stats().synced() < streams * watchersPerStream && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5); // a benchmark polling, not a test: spinning would steal the CPU it measures
            }
            long[] publishNanos = new long[puts];
            String value = "x".repeat(100);
            long start = System.nanoTime();
            for (int i = 0; i < puts; i++) {
                publishNanos[i] = fixture.applied.timedPut("bench/" + (i % 100), value);
            }
            long elapsed = System.nanoTime() - start;
            Arrays.sort(publishNanos);
            System.out.printf("watchers=%d (streams=%d, stalled streams=%d), puts=%d in %.2f s%n",
                    streams * watchersPerStream, streams, stalled, puts, elapsed / 1e9);
            System.out.printf("publish() on the apply thread: p50=%.1f us p99=%.1f us max=%.1f us%n",
                    publishNanos[puts / 2] / 1e3, publishNanos[(int) (puts * 0.99)] / 1e3,
                    publishNanos[puts - 1] / 1e3);
            System.out.println("hub after the writes: " + fixture.applied.hub.stats());
            int reading = (streams - stalled) * watchersPerStream;
            long catchUpStart = System.nanoTime();
            long catchUpDeadline = catchUpStart + TimeUnit.SECONDS.toNanos(120);
            while (fixture.applied.hub.stats().synced() < reading && System.nanoTime() < catchUpDeadline) {
                TimeUnit.MILLISECONDS.sleep(5); // a benchmark polling, not a test: spinning would steal the CPU it measures
            }
            System.out.printf("reading watchers all synced again %.2f s after the last write: %s%n",
                    (System.nanoTime() - catchUpStart) / 1e9, fixture.applied.hub.stats());
            for (WatchClient client : clients) {
                client.close();
            }
        }
    }
}
