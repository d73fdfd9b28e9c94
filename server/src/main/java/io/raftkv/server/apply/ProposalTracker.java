package io.raftkv.server.apply;

import io.raftkv.raft.core.Proposal;
import io.raftkv.server.api.EtcdError;
import io.raftkv.storage.mvcc.ApplyResult;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches applied entries to the client calls waiting for them. Each proposal carries a
 * request id unique to this node; when the entry carrying it is applied, its result completes
 * the call. A proposal whose log slot was taken by another leader's entry is lost: the call
 * fails with {@code etcdserver: leader changed} rather than waiting for its timeout.
 */
public final class ProposalTracker {

    private record Pending(CompletableFuture<ApplyResult> result, long index, long term) {}

    private final long idPrefix;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Long, CompletableFuture<ApplyResult>> byId = new ConcurrentHashMap<>();
    private final Map<Long, Pending> placed = new ConcurrentHashMap<>();

    /** {@code memberId} seeds the high bits so that ids from different members never collide. */
    public ProposalTracker(long memberId, long startNanos) {
        this.idPrefix = (memberId & 0xFFFFL) << 48 | (startNanos & 0xFFFFL) << 32;
    }

    /** A fresh id and the future its result will complete. */
    public long register(CompletableFuture<ApplyResult> result) {
        long id;
        do {
            id = idPrefix | (sequence.incrementAndGet() & 0xFFFF_FFFFL);
        } while (id == 0);
        long registered = id;
        byId.put(id, result);
        result.whenComplete((r, t) -> {
            byId.remove(registered);
            placed.remove(registered);
        });
        return id;
    }

    /** The core accepted the proposal at this log position. */
    public void placed(long id, Proposal proposal) {
        CompletableFuture<ApplyResult> f = byId.get(id);
        if (f != null) {
            placed.put(id, new Pending(f, proposal.index(), proposal.term()));
        }
    }

    /** The entry carrying {@code id} was applied with this result. */
    public void applied(long id, ApplyResult result) {
        CompletableFuture<ApplyResult> f = byId.remove(id);
        if (f != null) {
            f.complete(result);
        }
    }

    /** Everything up to {@code index} is applied: a proposal placed there and still waiting was lost. */
    public void appliedThrough(long index) {
        for (Iterator<Pending> it = placed.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.index() <= index) {
                it.remove();
                p.result().completeExceptionally(EtcdError.LEADER_CHANGED.asException());
            }
        }
    }

    public int pending() {
        return byId.size();
    }
}
