package io.raftkv.server.apply;

import io.raftkv.raft.core.Proposal;
import io.raftkv.server.api.EtcdError;
import io.raftkv.storage.mvcc.ApplyResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches applied entries to the client calls waiting for them. The leader's core says where it
 * appended each proposal ({@link Proposal}: index and term); a call completes only with the
 * result of the entry applied at that index with that term and carrying its request id. When
 * another entry is applied there, the proposal was lost to a leader change: the call fails with
 * {@code etcdserver: leader changed} rather than waiting for its timeout.
 *
 * <p>Request ids repeat across restarts and members (only 16 bits of each), so they alone cannot
 * say whose an entry is: a replayed entry of an earlier incarnation may carry the id of a new
 * call. Only the entry at the call's own (index, term) is its own (Raft's log matching property).
 * A follower's forwarded proposals are tracked the same way: the leader tells the follower the
 * (index, term) it appended them at, and the follower answers from its own apply of that entry.
 *
 * <p>A snapshot that covers a call's index says nothing about which entry was there: such a call
 * fails with {@code etcdserver: request timed out}, which a client must treat as "may have
 * happened", never with {@code leader changed}, which says it did not.
 */
public final class ProposalTracker {

    private record Placed(long id, long term, CompletableFuture<ApplyResult> result) {}

    /** An entry applied while a call carrying its id did not yet know where its proposal went. */
    private record AppliedEarly(long index, long term, ApplyResult result) {}

    private final long idPrefix;
    private final AtomicLong sequence;
    // Guarded by this. The Raft thread (placed) may lag behind the apply thread (applied).
    private final Map<Long, CompletableFuture<ApplyResult>> unplaced = new HashMap<>();
    private final Map<Long, List<AppliedEarly>> appliedUnplaced = new HashMap<>();
    private final NavigableMap<Long, List<Placed>> placedByIndex = new TreeMap<>();
    private long appliedIndex;
    /** The last index a snapshot restore covered: entries at or below it were never seen one by one. */
    private long snapshotIndex;

    /**
     * {@code memberId} seeds the high 16 bits, the start time the next 40 (etcd's id generator), so
     * that ids rarely repeat; correctness does not depend on that (see the class comment).
     */
    public ProposalTracker(long memberId, long startMillis) {
        this.idPrefix = (memberId & 0xFFFFL) << 48;
        this.sequence = new AtomicLong((startMillis & 0xFF_FFFF_FFFFL) << 8);
    }

    /** A fresh id and the future its result will complete. */
    public long register(CompletableFuture<ApplyResult> result) {
        long id;
        do {
            id = idPrefix | (sequence.incrementAndGet() & 0xFFFF_FFFF_FFFFL);
        } while (id == 0);
        long registered = id;
        synchronized (this) {
            unplaced.put(id, result);
        }
        result.whenComplete((r, t) -> forget(registered));
        return id;
    }

    private synchronized void forget(long id) {
        unplaced.remove(id);
        appliedUnplaced.remove(id);
    }

    /** The core appended the proposal carrying {@code id} at this log position. */
    public void placed(long id, Proposal proposal) {
        CompletableFuture<ApplyResult> f;
        ApplyResult own = null;
        synchronized (this) {
            f = unplaced.remove(id);
            if (f == null) {
                return; // completed already (timed out)
            }
            for (AppliedEarly a : appliedUnplaced.getOrDefault(id, List.of())) {
                if (a.index() == proposal.index() && a.term() == proposal.term()) {
                    own = a.result();
                }
            }
            appliedUnplaced.remove(id);
            if (own == null && proposal.index() > appliedIndex) {
                placedByIndex.computeIfAbsent(proposal.index(), k -> new ArrayList<>(1))
                        .add(new Placed(id, proposal.term(), f));
                return;
            }
        }
        if (own != null) {
            f.complete(own);
        } else if (proposal.index() <= snapshotIndex) {
            f.completeExceptionally(EtcdError.TIMEOUT.asException()); // inside a snapshot: unknown
        } else {
            f.completeExceptionally(EtcdError.LEADER_CHANGED.asException()); // another entry was applied there
        }
    }

    /** The entry at ({@code index}, {@code term}) carrying request {@code id} was applied with this result. */
    public void applied(long index, long term, long id, ApplyResult result) {
        CompletableFuture<ApplyResult> mine = null;
        synchronized (this) {
            List<Placed> here = placedByIndex.get(index);
            if (here != null) {
                for (Iterator<Placed> it = here.iterator(); it.hasNext(); ) {
                    Placed p = it.next();
                    if (p.term() == term && p.id() == id) {
                        it.remove();
                        mine = p.result();
                    }
                }
            }
            if (mine == null && unplaced.containsKey(id)) {
                appliedUnplaced.computeIfAbsent(id, k -> new ArrayList<>(1))
                        .add(new AppliedEarly(index, term, result));
            }
        }
        if (mine != null) {
            mine.complete(result);
        }
    }

    /** Everything up to {@code index} is applied: a proposal placed there and still waiting was lost. */
    public void appliedThrough(long index) {
        for (Placed p : passedBy(index, false)) {
            p.result().completeExceptionally(EtcdError.LEADER_CHANGED.asException());
        }
    }

    /**
     * A snapshot restored the state machine to {@code index}: a proposal placed at or below it
     * may be in the snapshot or not, so its call fails as timed out (the outcome is unknown).
     */
    public void snapshotRestored(long index) {
        for (Placed p : passedBy(index, true)) {
            p.result().completeExceptionally(EtcdError.TIMEOUT.asException());
        }
    }

    private synchronized List<Placed> passedBy(long index, boolean snapshot) {
        appliedIndex = Math.max(appliedIndex, index);
        if (snapshot) {
            snapshotIndex = Math.max(snapshotIndex, index);
        }
        List<Placed> passed = new ArrayList<>();
        Map<Long, List<Placed>> done = placedByIndex.headMap(index, true);
        done.values().forEach(passed::addAll);
        done.clear();
        return passed;
    }

    public synchronized int pending() {
        return unplaced.size() + placedByIndex.values().stream().mapToInt(List::size).sum();
    }
}
