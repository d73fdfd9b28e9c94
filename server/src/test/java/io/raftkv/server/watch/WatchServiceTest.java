package io.raftkv.server.watch;

import static io.raftkv.server.watch.AppliedStore.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.etcd.WatchCreateRequest;
import io.raftkv.proto.etcd.WatchResponse;
import io.raftkv.proto.mvcc.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Watch service end to end: a real store, the hub, and gRPC streams in process. */
class WatchServiceTest {
    @TempDir
    Path dir;

    private WatchServiceFixture fixture;
    private AppliedStore store;

    @BeforeEach
    void start() {
        fixture = new WatchServiceFixture(dir, WatchOptions.defaults());
        store = fixture.applied;
    }

    @AfterEach
    void stop() throws InterruptedException {
        fixture.close();
    }

    static WatchCreateRequest.Builder watch(String key) {
        return WatchCreateRequest.newBuilder().setKey(bytes(key));
    }

    static WatchCreateRequest.Builder watchPrefix(String prefix) {
        return watch(prefix).setRangeEnd(bytes(prefix.substring(0, prefix.length() - 1)
                + (char) (prefix.charAt(prefix.length() - 1) + 1)));
    }

    static List<String> keysOf(WatchResponse response) {
        return response.getEventsList().stream().map(e -> e.getKv().getKey().toStringUtf8()).toList();
    }

    private static WatchResponse expectCreated(WatchClient client, long watchId) {
        WatchResponse created = client.next();
        assertThat(created.getCreated()).as("created: %s", created).isTrue();
        assertThat(created.getCanceled()).isFalse();
        assertThat(created.getWatchId()).isEqualTo(watchId);
        return created;
    }

    @Test
    void createsAreAnsweredInOrderWithStreamWatchIds() {
        store.put("a", "1");
        try (WatchClient client = fixture.open()) {
            client.create(watch("a"));
            client.create(watch("b"));
            client.create(watch("c").setWatchId(7));
            client.create(watch("d"));
            List<WatchResponse> created = client.next(4);
            assertThat(created).extracting(WatchResponse::getWatchId).containsExactly(0L, 1L, 7L, 2L);
            assertThat(created).allSatisfy(r -> {
                assertThat(r.getCreated()).isTrue();
                assertThat(r.getCanceled()).isFalse();
                assertThat(r.getHeader().getRevision()).isEqualTo(2);
            });
        }
        try (WatchClient other = fixture.open()) {
            other.create(watch("a"));
            expectCreated(other, 0); // watch ids are per stream
        }
    }

    @Test
    void manyWatchersOnOneStreamEachGetTheirEvents() {
        try (WatchClient client = fixture.open()) {
            client.create(watch("a"));
            client.create(watchPrefix("b/"));
            client.create(watch("").setRangeEnd(bytes("\0")));
            client.next(3);
            long rev = store.put("a", "1");
            store.put("b/x", "2");
            Map<Long, List<String>> seen = new LinkedHashMap<>();
            for (WatchResponse r : client.next(4)) {
                seen.computeIfAbsent(r.getWatchId(), id -> new ArrayList<>()).addAll(keysOf(r));
                assertThat(r.getHeader().getRevision()).isBetween(rev, rev + 1);
            }
            assertThat(seen).containsEntry(0L, List.of("a")).containsEntry(1L, List.of("b/x"))
                    .containsEntry(2L, List.of("a", "b/x"));
        }
    }

    @Test
    void pastStartRevisionReplaysHistoryThenContinuesLive() {
        store.put("k", "v1"); // rev 2
        store.put("other", "x"); // rev 3
        store.put("k", "v2"); // rev 4
        store.delete("k"); // rev 5
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").setStartRevision(2));
            WatchResponse created = expectCreated(client, 0);
            assertThat(created.getHeader().getRevision()).isEqualTo(5);
            List<Event> events = new ArrayList<>();
            while (events.size() < 3) {
                events.addAll(client.next().getEventsList());
            }
            assertThat(events).extracting(e -> e.getKv().getModRevision()).containsExactly(2L, 4L, 5L);
            assertThat(events).extracting(Event::getType)
                    .containsExactly(Event.EventType.PUT, Event.EventType.PUT, Event.EventType.DELETE);
            assertThat(events.get(1).getKv().getValue().toStringUtf8()).isEqualTo("v2");
            assertThat(events).noneMatch(Event::hasPrevKv);
            store.put("k", "v3"); // rev 6
            WatchResponse live = client.next();
            assertThat(live.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(6L);
            assertThat(live.getHeader().getRevision()).isEqualTo(6);
        }
    }

    @Test
    void startRevisionZeroWatchesFromNow() {
        store.put("k", "old");
        try (WatchClient client = fixture.open()) {
            client.create(watch("k"));
            expectCreated(client, 0);
            long rev = store.put("k", "new");
            WatchResponse r = client.next();
            assertThat(r.getEventsList()).hasSize(1);
            assertThat(r.getEvents(0).getKv().getValue().toStringUtf8()).isEqualTo("new");
            assertThat(r.getEvents(0).getKv().getModRevision()).isEqualTo(rev);
        }
    }

    @Test
    void futureStartRevisionWaitsForIt() {
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").setStartRevision(4));
            expectCreated(client, 0);
            store.put("k", "2");
            store.put("k", "3");
            store.put("k", "4");
            WatchResponse r = client.next();
            assertThat(r.getEventsList()).extracting(e -> e.getKv().getModRevision()).containsExactly(4L);
        }
    }

    @Test
    void compactedStartRevisionIsCreatedThenCanceledWithTheCompactRevision() {
        for (int i = 0; i < 5; i++) {
            store.put("k", "v" + i); // revs 2..6
        }
        store.compact(4);
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").setStartRevision(3));
            expectCreated(client, 0);
            WatchResponse canceled = client.next();
            assertThat(canceled.getCanceled()).isTrue();
            assertThat(canceled.getWatchId()).isEqualTo(0);
            assertThat(canceled.getCompactRevision()).isEqualTo(4);
            assertThat(canceled.getCancelReason()).isEqualTo("etcdserver: mvcc: required revision has been compacted");
            assertThat(canceled.getEventsList()).isEmpty();

            client.create(watch("k").setStartRevision(4)); // the compact revision itself is still watchable
            expectCreated(client, 1);
            List<Event> events = new ArrayList<>();
            while (events.size() < 3) {
                events.addAll(client.next().getEventsList());
            }
            assertThat(events).extracting(e -> e.getKv().getModRevision()).containsExactly(4L, 5L, 6L);
        }
    }

    @Test
    void prefixRangeAndFromKeyWatchesSeeOnlyTheirKeys() {
        try (WatchClient client = fixture.open()) {
            client.create(watchPrefix("foo"));                     // [foo, fop)
            client.create(watch("b").setRangeEnd(bytes("d")));       // [b, d)
            client.create(watch("m").setRangeEnd(bytes("\0")));      // >= m
            client.next(3);
            for (String key : List.of("fo", "foo", "foo/bar", "fop", "a", "b", "c", "cz", "d", "m", "zz")) {
                store.put(key, key);
            }
            client.requestProgress(); // answered after every event queued before it
            Map<Long, List<String>> seen = new LinkedHashMap<>();
            WatchResponse r;
            while ((r = client.next()).getWatchId() != -1) {
                seen.computeIfAbsent(r.getWatchId(), id -> new ArrayList<>()).addAll(keysOf(r));
            }
            assertThat(seen.get(0L)).containsExactly("foo", "foo/bar");
            assertThat(seen.get(1L)).containsExactly("b", "c", "cz");
            assertThat(seen.get(2L)).containsExactly("m", "zz");
        }
    }

    @Test
    void prevKvOnlyWhenAsked() {
        store.put("k", "v1");
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").setPrevKv(true));
            client.create(watch("k"));
            client.next(2);
            store.put("k", "v2");
            store.delete("k");
            Map<Long, List<Event>> seen = new LinkedHashMap<>();
            for (WatchResponse r : client.next(4)) {
                seen.computeIfAbsent(r.getWatchId(), id -> new ArrayList<>()).addAll(r.getEventsList());
            }
            List<Event> withPrev = seen.get(0L);
            assertThat(withPrev).hasSize(2);
            assertThat(withPrev.get(0).getPrevKv().getValue().toStringUtf8()).isEqualTo("v1");
            assertThat(withPrev.get(1).getType()).isEqualTo(Event.EventType.DELETE);
            assertThat(withPrev.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("v2");
            assertThat(seen.get(1L)).hasSize(2).noneMatch(Event::hasPrevKv);
        }
    }

    @Test
    void prevKvInHistoryReplay() {
        store.put("k", "v1"); // 2
        store.put("k", "v2"); // 3
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").setStartRevision(3).setPrevKv(true));
            expectCreated(client, 0);
            WatchResponse r = client.next();
            assertThat(r.getEventsList()).hasSize(1);
            assertThat(r.getEvents(0).getPrevKv().getValue().toStringUtf8()).isEqualTo("v1");
        }
    }

    @Test
    void filtersDropPutsOrDeletes() {
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").addFilters(WatchCreateRequest.FilterType.NOPUT));
            client.create(watch("k").addFilters(WatchCreateRequest.FilterType.NODELETE));
            client.next(2);
            long put = store.put("k", "v");
            long del = store.delete("k");
            Map<Long, List<Event>> seen = new LinkedHashMap<>();
            for (WatchResponse r : client.next(2)) {
                seen.computeIfAbsent(r.getWatchId(), id -> new ArrayList<>()).addAll(r.getEventsList());
            }
            assertThat(seen.get(0L)).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo(Event.EventType.DELETE);
                assertThat(e.getKv().getModRevision()).isEqualTo(del);
            });
            assertThat(seen.get(1L)).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo(Event.EventType.PUT);
                assertThat(e.getKv().getModRevision()).isEqualTo(put);
            });
        }
    }

    @Test
    void deletingAMissingKeyMakesNoEvent() {
        try (WatchClient client = fixture.open()) {
            client.create(watch("k"));
            expectCreated(client, 0);
            store.delete("k");
            long rev = store.put("k", "v");
            WatchResponse r = client.next();
            assertThat(r.getEventsList()).singleElement()
                    .satisfies(e -> assertThat(e.getKv().getModRevision()).isEqualTo(rev));
        }
    }

    @Test
    void allEventsOfOneRevisionComeInOneResponse() {
        try (WatchClient client = fixture.open()) {
            client.create(watchPrefix("t/"));
            expectCreated(client, 0);
            Map<String, String> entries = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                entries.put("t/" + i, "v" + i);
            }
            long rev = store.putAll(entries);
            WatchResponse r = client.next();
            assertThat(r.getEventsList()).hasSize(20).allSatisfy(e -> assertThat(e.getKv().getModRevision()).isEqualTo(rev));
        }
    }

    @Test
    void progressRequestIsAnsweredAtOnceWhenEverythingIsSynced() {
        store.put("k", "v");
        try (WatchClient client = fixture.open()) {
            client.requestProgress(); // no watchers: trivially synced
            WatchResponse empty = client.next();
            assertThat(empty.getWatchId()).isEqualTo(-1);
            assertThat(empty.getHeader().getRevision()).isEqualTo(2);

            client.create(watch("k"));
            expectCreated(client, 0);
            long rev = store.put("k", "w");
            client.requestProgress();
            WatchResponse event = client.next();
            assertThat(event.getWatchId()).isEqualTo(0);
            WatchResponse progress = client.next();
            assertThat(progress.getWatchId()).isEqualTo(-1);
            assertThat(progress.getCreated()).isFalse();
            assertThat(progress.getCanceled()).isFalse();
            assertThat(progress.getEventsList()).isEmpty();
            assertThat(progress.getHeader().getRevision()).isEqualTo(rev);
        }
    }

    @Test
    void progressRequestWaitsUntilAReplayingWatcherIsSynced() throws InterruptedException {
        fixture.close();
        fixture = new WatchServiceFixture(dir.resolve("paged"), WatchOptions.defaults().withCatchUpPageEvents(1));
        store = fixture.applied;
        for (int i = 0; i < 40; i++) {
            store.put("k", "v" + i); // revs 2..41, one history page each
        }
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").setStartRevision(2));
            client.requestProgress();
            expectCreated(client, 0);
            List<Long> revisions = new ArrayList<>();
            WatchResponse r;
            while ((r = client.next()).getWatchId() != -1) {
                r.getEventsList().forEach(e -> revisions.add(e.getKv().getModRevision()));
            }
            // The progress reply comes only after the watcher reached the head: all history precedes it.
            assertThat(revisions).hasSize(40).isSorted().first().isEqualTo(2L);
            assertThat(r.getHeader().getRevision()).isEqualTo(41);
            assertThat(r.getEventsList()).isEmpty();
        }
    }

    @Test
    void progressNotifyReachesIdleSyncedWatchersPeriodically() throws InterruptedException {
        fixture.close();
        fixture = new WatchServiceFixture(dir.resolve("notify"),
                WatchOptions.defaults().withProgressNotifyInterval(Duration.ofMillis(200)));
        store = fixture.applied;
        long rev = store.put("k", "v");
        try (WatchClient client = fixture.open()) {
            client.create(watch("k").setProgressNotify(true));
            client.create(watch("quiet"));
            client.next(2);
            for (int i = 0; i < 2; i++) {
                WatchResponse notify = client.next();
                assertThat(notify.getWatchId()).isEqualTo(0);
                assertThat(notify.getEventsList()).isEmpty();
                assertThat(notify.getCreated()).isFalse();
                assertThat(notify.getCanceled()).isFalse();
                assertThat(notify.getHeader().getRevision()).isEqualTo(rev);
            }
            long later = store.put("other", "x");
            // Notifications now carry the new revision (the watcher of "k" saw no event for it).
            WatchResponse notify;
            int seen = 0;
            do {
                notify = client.next();
                assertThat(notify.getWatchId()).isEqualTo(0);
                assertThat(++seen).as("progress notifications before one carried revision %d", later)
                        .isLessThan(20);
            } while (notify.getHeader().getRevision() != later);
        }
    }

    @Test
    void cancelStopsTheWatcher() {
        try (WatchClient client = fixture.open()) {
            client.create(watch("k"));
            client.create(watch("k"));
            client.next(2);
            client.cancel(0);
            WatchResponse canceled = client.next();
            assertThat(canceled.getCanceled()).isTrue();
            assertThat(canceled.getWatchId()).isEqualTo(0);
            assertThat(canceled.getCompactRevision()).isZero();
            long rev = store.put("k", "v");
            client.requestProgress();
            // Only watcher 1 is left: its event, then the progress reply; nothing for watcher 0.
            WatchResponse event = client.next();
            assertThat(event.getWatchId()).isEqualTo(1);
            assertThat(event.getEventsList()).hasSize(1);
            WatchResponse progress = client.next();
            assertThat(progress.getWatchId()).isEqualTo(-1);
            assertThat(progress.getHeader().getRevision()).isEqualTo(rev);

            client.cancel(42); // unknown id: etcd answers nothing
            client.requestProgress();
            assertThat(client.next().getWatchId()).isEqualTo(-1);
        }
    }

    @Test
    void duplicateWatchIdAndEmptyRangeAreRefused() {
        try (WatchClient client = fixture.open()) {
            client.create(watch("a").setWatchId(5));
            client.create(watch("b").setWatchId(5));
            client.create(watch("b").setRangeEnd(bytes("a")));
            client.create(watch("b").setRangeEnd(bytes("b")));
            client.create(watch("b"));
            expectCreated(client, 5);
            for (String reason : List.of(WatchHub.DUPLICATE_ID, WatchHub.EMPTY_RANGE, WatchHub.EMPTY_RANGE)) {
                WatchResponse refused = client.next();
                assertThat(refused.getCreated()).isTrue();
                assertThat(refused.getCanceled()).isTrue();
                assertThat(refused.getWatchId()).isEqualTo(-1);
                assertThat(refused.getCancelReason()).isEqualTo(reason);
            }
            expectCreated(client, 0);
        }
    }

    @Test
    void largeResponsesAreFragmentedWhenAsked() throws InterruptedException {
        fixture.close();
        fixture = new WatchServiceFixture(dir.resolve("fragments"), WatchOptions.defaults().withFragmentBytes(1024));
        store = fixture.applied;
        try (WatchClient client = fixture.open()) {
            client.create(watchPrefix("big/").setFragment(true));
            client.create(watchPrefix("big/"));
            client.next(2);
            Map<String, String> entries = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                entries.put("big/" + i, "x".repeat(300));
            }
            long rev = store.putAll(entries);
            List<WatchResponse> fragments = new ArrayList<>();
            WatchResponse whole = null;
            while (whole == null || fragments.isEmpty() || fragments.get(fragments.size() - 1).getFragment()) {
                WatchResponse r = client.next();
                if (r.getWatchId() == 0) {
                    fragments.add(r);
                } else {
                    whole = r;
                }
            }
            assertThat(whole.getEventsList()).hasSize(10);
            assertThat(whole.getFragment()).isFalse();
            assertThat(fragments).hasSizeGreaterThanOrEqualTo(3);
            assertThat(fragments.subList(0, fragments.size() - 1)).allMatch(WatchResponse::getFragment);
            assertThat(fragments).allSatisfy(f -> {
                assertThat(f.getHeader().getRevision()).isEqualTo(rev);
                assertThat(f.getSerializedSize()).isLessThan(1024);
            });
            assertThat(fragments.stream().flatMap(f -> f.getEventsList().stream()).toList())
                    .isEqualTo(whole.getEventsList());
        }
    }

    @Test
    void hasLeaderStreamsAreRefusedWithoutALeader() {
        fixture.hasLeader.set(false);
        Metadata hasLeader = new Metadata();
        hasLeader.put(LeaderRequirement.HAS_LEADER, "true");
        try (WatchClient refused = WatchClient.open(fixture.channel, hasLeader)) {
            assertThatThrownBy(refused.finished::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: no leader");
                    });
        }
        try (WatchClient plain = fixture.open()) {
            plain.create(watch("k"));
            expectCreated(plain, 0); // without the metadata a stream is served regardless
        }
        fixture.hasLeader.set(true);
        try (WatchClient withLeader = WatchClient.open(fixture.channel, hasLeader)) {
            withLeader.create(watch("k"));
            expectCreated(withLeader, 0);
        }
    }

    @Test
    void halfCloseEndsTheStream() {
        WatchClient client = fixture.open();
        client.create(watch("k"));
        expectCreated(client, 0);
        client.halfClose();
        client.finished.join();
        await().atMost(WatchClient.WAIT).until(() -> fixture.applied.hub.stats().synced() + fixture.applied.hub.stats().unsynced() == 0);
    }

    @Test
    void cancelledCallRemovesItsWatchers() {
        WatchClient client = fixture.open();
        client.create(watch("k"));
        client.create(watch("j").setStartRevision(1));
        client.next(2);
        // The watcher from revision 1 catches up (nothing to replay) and joins the synced set.
        await().atMost(WatchClient.WAIT).until(() -> fixture.applied.hub.stats().synced() == 2);
        client.close();
        await().atMost(WatchClient.WAIT).until(() -> fixture.applied.hub.stats().synced() + fixture.applied.hub.stats().unsynced() == 0);
        store.put("k", "v"); // publishing after the stream is gone reaches nobody and fails nothing
        assertThat(fixture.applied.hub.stats()).isEqualTo(new WatchHub.Stats(0, 0, 0));
    }
}
