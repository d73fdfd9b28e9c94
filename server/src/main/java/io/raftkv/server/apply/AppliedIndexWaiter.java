package io.raftkv.server.apply;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * Lets a read wait until the state machine has applied up to its read index, without
 * blocking a thread: the apply thread completes the futures as the applied index advances.
 */
public final class AppliedIndexWaiter {
    private final NavigableMap<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentSkipListMap<>();
    private volatile long applied;

    public AppliedIndexWaiter(long applied) {
        this.applied = applied;
    }

    public long applied() {
        return applied;
    }

    public CompletableFuture<Void> await(long index) {
        if (index <= applied) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(index, k -> new CopyOnWriteArrayList<>()).add(f);
        if (index <= applied) {
            f.complete(null); // the apply thread advanced while we registered
        }
        return f;
    }

    /** Called by the apply thread after each batch. */
    public void advance(long index) {
        applied = index;
        Map<Long, List<CompletableFuture<Void>>> ready = waiting.headMap(index, true);
        for (List<CompletableFuture<Void>> fs : ready.values()) {
            fs.forEach(f -> f.complete(null));
        }
        ready.clear();
    }
}
