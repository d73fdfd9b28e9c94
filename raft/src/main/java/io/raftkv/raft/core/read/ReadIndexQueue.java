package io.raftkv.raft.core.read;

import io.raftkv.raft.core.quorum.MajorityConfig;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The leader's pending ReadIndex requests (etcd's read_only.go, batched). Requests that arrive
 * between two {@code Ready}s are grouped into one round: one heartbeat broadcast carrying the
 * round's id. When a quorum of voters has answered a round, its requests, and those of every
 * earlier round, are served: leadership was confirmed after each of them arrived.
 */
public final class ReadIndexQueue {

    /** A request from {@code from} (this node's own id for a local read). */
    public record PendingRead(long from, byte[] context) {}

    /** A request ready to be answered with {@code index}. */
    public record ServedRead(PendingRead request, long index) {}

    private static final class Round {
        final long index;
        final List<PendingRead> requests;
        final Set<Long> acks = new HashSet<>();

        Round(long index, List<PendingRead> requests) {
            this.index = index;
            this.requests = requests;
        }
    }

    private final List<PendingRead> queued = new ArrayList<>();
    private final LinkedHashMap<Long, Round> rounds = new LinkedHashMap<>();
    private long nextRoundId = 1;

    public void enqueue(long from, byte[] context) {
        queued.add(new PendingRead(from, context));
    }

    public boolean hasQueued() {
        return !queued.isEmpty();
    }

    public int pendingCount() {
        int n = queued.size();
        for (Round r : rounds.values()) {
            n += r.requests.size();
        }
        return n;
    }

    /**
     * Groups the queued requests into a new round reading at {@code commitIndex}; returns the
     * heartbeat context that identifies it, or empty if nothing was queued.
     */
    public Optional<byte[]> startRound(long commitIndex, long self) {
        if (queued.isEmpty()) {
            return Optional.empty();
        }
        long id = nextRoundId++;
        Round round = new Round(commitIndex, new ArrayList<>(queued));
        round.acks.add(self);
        rounds.put(id, round);
        queued.clear();
        return Optional.of(encode(id));
    }

    /**
     * A heartbeat answer carrying {@code context} from {@code from}. Returns the requests that
     * can now be served, oldest first.
     */
    public List<ServedRead> recvAck(long from, byte[] context, MajorityConfig voters) {
        if (context.length != Long.BYTES) {
            return List.of();
        }
        Round round = rounds.get(ByteBuffer.wrap(context).getLong());
        if (round == null) {
            return List.of();
        }
        round.acks.add(from);
        if (!voters.isQuorum(round.acks)) {
            return List.of();
        }
        List<ServedRead> served = new ArrayList<>();
        Iterator<Round> it = rounds.values().iterator();
        while (it.hasNext()) {
            Round r = it.next();
            for (PendingRead p : r.requests) {
                served.add(new ServedRead(p, r.index));
            }
            it.remove();
            if (r == round) {
                break;
            }
        }
        return served;
    }

    /**
     * Serves every request at once: for a single-voter cluster, whose leadership needs no
     * confirmation.
     */
    public List<ServedRead> serveAll(long commitIndex) {
        List<ServedRead> served = new ArrayList<>();
        for (Round r : rounds.values()) {
            for (PendingRead p : r.requests) {
                served.add(new ServedRead(p, r.index));
            }
        }
        for (PendingRead p : queued) {
            served.add(new ServedRead(p, commitIndex));
        }
        rounds.clear();
        queued.clear();
        return served;
    }

    private static byte[] encode(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
    }
}
