package io.raftkv.server.watch;

import static io.raftkv.server.watch.AppliedStore.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkv.proto.etcd.WatchCreateRequest;
import io.raftkv.proto.etcd.WatchResponse;
import io.raftkv.proto.mvcc.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that stop reading: their watchers overflow a small buffer, fall back to history and
 * come back without a gap or a duplicate, or are canceled if compaction passed them, while the
 * hub keeps serving everyone else.
 */
class WatchSlowConsumerTest {
    private static final int BUFFER = 4;

    @TempDir
    Path dir;

    private WatchServiceFixture fixture;
    private AppliedStore store;

    @BeforeEach
    void start() {
        fixture = new WatchServiceFixture(dir, WatchOptions.defaults()
                .withWatcherBufferResponses(BUFFER).withCatchUpPageEvents(16));
        store = fixture.applied;
    }

    @AfterEach
    void stop() throws InterruptedException {
        fixture.close();
    }

    private static WatchCreateRequest.Builder prefix(String p) {
        return WatchCreateRequest.newBuilder().setKey(bytes(p))
                .setRangeEnd(bytes(p.substring(0, p.length() - 1) + (char) (p.charAt(p.length() - 1) + 1)));
    }

    /** Reads responses of one watcher until {@code count} events arrived; fails on anything but events. */
    private static List<Event> readEvents(WatchClient client, long watchId, int count) {
        List<Event> events = new ArrayList<>();
        while (events.size() < count) {
            WatchResponse r = client.next();
            assertThat(r.getWatchId()).as("response %s", r).isEqualTo(watchId);
            assertThat(r.getCanceled()).as("response %s", r).isFalse();
            assertThat(r.getEventsList()).isNotEmpty();
            assertThat(r.getHeader().getRevision()).isGreaterThanOrEqualTo(
                    r.getEvents(r.getEventsCount() - 1).getKv().getModRevision());
            events.addAll(r.getEventsList());
        }
        return events;
    }

    private static List<Long> revisions(List<Event> events) {
        return events.stream().map(e -> e.getKv().getModRevision()).toList();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    @Test
    void aClientThatStopsReadingIsCaughtUpFromHistoryWhileAFastWatcherKeepsReceiving() {
        WatchClient slow = WatchClient.manual(fixture.channel, 1);
        WatchClient fast = fixture.open();
        slow.create(prefix("s/"));
        assertThat(slow.next().getCreated()).isTrue(); // the one response it asked for
        fast.create(prefix("s/"));
        assertThat(fast.next().getCreated()).isTrue();

        int puts = 200;
        for (int i = 0; i < puts; i++) {
            store.put("s/" + i, "v" + i); // revisions 2..201, each its own batch
        }
        // The fast watcher got every event while the slow one is stuck behind its full buffer.
        assertThat(revisions(readEvents(fast, 0, puts))).isEqualTo(range(2, 201));
        assertThat(slow.pending()).isZero();
        // (the fast one may itself have overflowed the tiny buffer for a moment: it also came back whole)
        assertThat(store.hub.stats().synced()).isEqualTo(1);
        assertThat(store.hub.stats().unsynced()).isEqualTo(1);

        slow.request(Integer.MAX_VALUE);
        List<Event> caughtUp = readEvents(slow, 0, puts);
        assertThat(revisions(caughtUp)).isEqualTo(range(2, 201));
        for (int i = 0; i < puts; i++) {
            assertThat(caughtUp.get(i).getKv().getKey().toStringUtf8()).isEqualTo("s/" + i);
            assertThat(caughtUp.get(i).getKv().getValue().toStringUtf8()).isEqualTo("v" + i);
        }
        await().atMost(WatchClient.WAIT).until(() -> store.hub.stats().synced() == 2);

        long rev = store.put("s/last", "x"); // back among the synced: live events again
        assertThat(revisions(readEvents(slow, 0, 1))).containsExactly(rev);
        assertThat(revisions(readEvents(fast, 0, 1))).containsExactly(rev);
        slow.close();
        fast.close();
    }

    @Test
    void catchUpRacingWithNewWritesDeliversEveryRevisionExactlyOnce() throws Exception {
        WatchClient slow = WatchClient.manual(fixture.channel, 2);
        slow.create(prefix("r/"));
        slow.create(WatchCreateRequest.newBuilder().setKey(bytes("r/7")));
        slow.next(2);

        AtomicInteger received = new AtomicInteger();
        int target = 600;
        // The apply thread: keeps writing until the reader has seen `target` events of the prefix watcher.
        CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
            long last = 0;
            for (int i = 0; received.get() < target && i < 20_000; i++) {
                last = store.put("r/" + (i % 10), Integer.toString(i));
            }
            return last;
        });
        await().atMost(WatchClient.WAIT).until(() -> store.hub.stats().fallbacks() >= 1);

        // Now read slowly, one response at a time, while the writer keeps publishing.
        List<Event> prefixEvents = new ArrayList<>();
        List<Event> keyEvents = new ArrayList<>();
        while (prefixEvents.size() < target) {
            readOne(slow, prefixEvents, keyEvents);
            received.set(prefixEvents.size());
        }
        long last = writer.join(); // it stops once the reader got `target` events
        while (prefixEvents.get(prefixEvents.size() - 1).getKv().getModRevision() < last) {
            readOne(slow, prefixEvents, keyEvents);
        }
        assertThat(revisions(prefixEvents)).isEqualTo(range(2, last));
        for (Event e : prefixEvents) {
            long i = e.getKv().getModRevision() - 2;
            assertThat(e.getKv().getKey().toStringUtf8()).isEqualTo("r/" + (i % 10));
            assertThat(e.getKv().getValue().toStringUtf8()).isEqualTo(Long.toString(i));
        }
        // The single-key watcher on the same stream saw exactly every tenth revision.
        List<Long> expectedKey = range(2, last).stream().filter(rev -> (rev - 2) % 10 == 7).toList();
        while (keyEvents.size() < expectedKey.size()) {
            readOne(slow, prefixEvents, keyEvents);
        }
        assertThat(revisions(keyEvents)).isEqualTo(expectedKey);
        assertThat(store.hub.stats().fallbacks()).isGreaterThanOrEqualTo(1);
        slow.request(Integer.MAX_VALUE);
        await().atMost(WatchClient.WAIT).until(() -> store.hub.stats().synced() == 2);
        slow.close();
    }

    private void readOne(WatchClient client, List<Event> prefixEvents, List<Event> keyEvents) {
        client.request(1);
        WatchResponse r;
        try {
            r = client.next();
        } catch (AssertionError e) {
            throw new AssertionError(store.hub.describe(), e);
        }
        assertThat(r.getCanceled()).as("response %s", r).isFalse();
        assertThat(r.getWatchId()).isIn(0L, 1L);
        (r.getWatchId() == 0 ? prefixEvents : keyEvents).addAll(r.getEventsList());
    }

    @Test
    void aLaggingWatcherPassedByCompactionIsCanceledWithTheCompactRevision() {
        WatchClient slow = WatchClient.manual(fixture.channel, 1);
        slow.create(prefix("c/"));
        assertThat(slow.next().getCreated()).isTrue();
        for (int i = 0; i < 30; i++) {
            store.put("c/" + i, "v" + i); // revisions 2..31
        }
        assertThat(store.hub.stats()).isEqualTo(new WatchHub.Stats(0, 1, 1));
        store.compact(20);

        slow.request(Integer.MAX_VALUE);
        // What was buffered before it fell behind arrives, then the cancellation: never a gap.
        List<Long> delivered = new ArrayList<>();
        WatchResponse r;
        while (!(r = slow.next()).getCanceled()) {
            r.getEventsList().forEach(e -> delivered.add(e.getKv().getModRevision()));
        }
        assertThat(delivered).isEqualTo(range(2, 1 + BUFFER));
        assertThat(r.getWatchId()).isEqualTo(0);
        assertThat(r.getCompactRevision()).isEqualTo(20);
        assertThat(r.getCancelReason()).isEqualTo("etcdserver: mvcc: required revision has been compacted");
        assertThat(r.getHeader().getRevision()).isEqualTo(31);
        assertThat(store.hub.stats()).isEqualTo(new WatchHub.Stats(0, 0, 1));
        slow.close();
    }

    @Test
    void aClientThatSendsCreatesButReadsNothingIsReadNoFurtherThanTheControlBacklog() {
        int limit = WatchOptions.defaults().controlBacklogLimit();
        WatchClient greedy = WatchClient.manual(fixture.channel, 0);
        for (int i = 0; i < 3 * limit; i++) {
            greedy.create(WatchCreateRequest.newBuilder().setKey(bytes("g/" + i)));
        }
        // Its replies cannot leave, so the server stops reading its requests at the limit.
        await().atMost(WatchClient.WAIT).until(() -> store.hub.stats().synced() >= limit);
        assertThat(store.hub.stats().synced()).isEqualTo(limit);
        assertThat(greedy.pending()).isZero();

        greedy.request(Integer.MAX_VALUE);
        List<WatchResponse> created = greedy.next(3 * limit);
        assertThat(created).extracting(WatchResponse::getWatchId)
                .isEqualTo(LongStream.range(0, 3 * limit).boxed().toList());
        assertThat(created).allMatch(WatchResponse::getCreated);
        assertThat(store.hub.stats().synced()).isEqualTo(3 * limit);
        greedy.close();
    }

    @Test
    void aLaggingWatcherAboveTheCompactionStillCatchesUp() {
        store.put("c/old", "x"); // revision 2
        store.compact(2);
        WatchClient slow = WatchClient.manual(fixture.channel, 1);
        slow.create(prefix("c/"));
        assertThat(slow.next().getCreated()).isTrue();
        for (int i = 0; i < 30; i++) {
            store.put("c/" + i, "v" + i); // revisions 3..32
        }
        slow.request(Integer.MAX_VALUE);
        assertThat(revisions(readEvents(slow, 0, 30))).isEqualTo(range(3, 32));
        slow.close();
    }

    @Test
    void afterASnapshotRestoreSyncedWatchersCatchUpFromTheNewHistory() {
        try (WatchClient client = fixture.open()) {
            client.create(WatchCreateRequest.newBuilder().setKey(bytes("k")));
            assertThat(client.next().getCreated()).isTrue();
            long first = store.putUnpublished("k", "a");
            store.putUnpublished("x", "b");
            long third = store.putUnpublished("k", "c");
            store.hub.restored(store.revision());
            assertThat(revisions(readEvents(client, 0, 2))).containsExactly(first, third);
            await().atMost(WatchClient.WAIT).until(() -> store.hub.stats().synced() == 1);
            long live = store.put("k", "d");
            assertThat(revisions(readEvents(client, 0, 1))).containsExactly(live);
        }
    }
}
