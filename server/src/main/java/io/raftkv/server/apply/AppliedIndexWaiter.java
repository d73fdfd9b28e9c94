package io.raftkv.server.apply;

import java.util.ArrayList;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.List;

/**
 * Lets a read wait until the state machine has applied up to its read index, without
 * blocking a thread: as the applied index advances, the futures complete on
 * {@code completions} (the read pool), so what a reader chains on them never runs on the apply
 * thread.
 */
public final class AppliedIndexWaiter {
    private final NavigableMap<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentSkipListMap<>();
    private final Executor completions;
    private volatile long applied;

    public AppliedIndexWaiter(long applied, Executor completions) {
        this.applied = applied;
        this.completions = completions;
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
        if (ready.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> due = new ArrayList<>();
        for (List<CompletableFuture<Void>> fs : ready.values()) {
            due.addAll(fs);
        }
        ready.clear();
        completions.execute(() -> due.forEach(f -> f.complete(null)));
    }
}
