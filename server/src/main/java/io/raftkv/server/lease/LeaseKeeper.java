package io.raftkv.server.lease;

import io.raftkv.proto.etcd.LeaseRevokeRequest;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.storage.mvcc.LeaseInfo;
import io.raftkv.storage.mvcc.MvccStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Lease expiry, tracked by the leader only (like etcd's lessor): granted leases live in the
 * state machine, their deadlines live here in memory. A new leader starts every lease's clock
 * afresh (etcd's "promote": a lease is never revoked early because leadership moved), keep-alives
 * push the deadline forward, and an expired lease is revoked through consensus so every replica
 * deletes its keys at the same revision.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final MvccStore store;
    private final BooleanSupplier isLeader;
    private final Function<InternalRequest, CompletableFuture<?>> propose;
    private final LongSupplier clockMillis;
    private final long extensionMillis;
    private final Map<Long, Long> deadlines = new ConcurrentHashMap<>();
    private final Set<Long> revoking = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean wasLeader;

    /**
     * @param extensionMillis added to every deadline when this node becomes leader (etcd adds
     *                        the election timeout), so a lease is not lost to the election itself
     */
    public LeaseKeeper(MvccStore store, BooleanSupplier isLeader, Function<InternalRequest, CompletableFuture<?>> propose,
                       LongSupplier clockMillis, long extensionMillis) {
        this.store = store;
        this.isLeader = isLeader;
        this.propose = propose;
        this.clockMillis = clockMillis;
        this.extensionMillis = extensionMillis;
        this.thread = new Thread(this::run, "lease-expiry");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Renews a lease on the leader. Returns its granted TTL in seconds, or -1 if no such lease
     * exists (an expired or revoked one).
     */
    public long renew(long id) {
        var lease = store.lease(id);
        if (lease.isEmpty() || revoking.contains(id)) {
            return -1;
        }
        deadlines.put(id, clockMillis.getAsLong() + lease.get().grantedTtl() * 1000);
        return lease.get().grantedTtl();
    }

    /** Seconds left before the lease expires (leader's view), or -1 if it does not exist. */
    public long remainingSeconds(long id) {
        var lease = store.lease(id);
        if (lease.isEmpty()) {
            return -1;
        }
        Long deadline = deadlines.get(id);
        if (deadline == null) {
            return lease.get().grantedTtl();
        }
        return Math.max(0, (deadline - clockMillis.getAsLong() + 999) / 1000);
    }

    private void run() {
        while (running) {
            try {
                check();
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("lease expiry check failed: {}", e.toString());
            }
        }
    }

    /** One pass: follow leadership, pick up new leases, revoke expired ones. Visible for tests. */
    void check() {
        boolean leader = isLeader.getAsBoolean();
        if (!leader) {
            wasLeader = false;
            deadlines.clear();
            revoking.clear();
            return;
        }
        long now = clockMillis.getAsLong();
        List<LeaseInfo> leases = store.leases();
        Set<Long> live = new HashSet<>();
        Map<Long, Long> fresh = new HashMap<>();
        for (LeaseInfo lease : leases) {
            live.add(lease.id());
            if (!deadlines.containsKey(lease.id())) {
                long extension = wasLeader ? 0 : extensionMillis;
                fresh.put(lease.id(), now + lease.grantedTtl() * 1000 + extension);
            }
        }
        deadlines.putAll(fresh);
        deadlines.keySet().retainAll(live);
        revoking.retainAll(live);
        wasLeader = true;
        for (Map.Entry<Long, Long> e : deadlines.entrySet()) {
            long id = e.getKey();
            if (e.getValue() <= now && revoking.add(id)) {
                InternalRequest revoke = InternalRequest.newBuilder()
                        .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)).build();
                propose.apply(revoke).whenComplete((r, t) -> {
                    if (t != null) {
                        revoking.remove(id); // try again on the next pass
                    }
                });
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
