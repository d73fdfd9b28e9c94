package io.raftkv.raft.sim;

import io.raftkv.raft.core.Message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.LongToIntFunction;

/**
 * The simulated network: every message is delayed by a random time (so messages reorder), may
 * be dropped or duplicated, and never crosses a cut link. Partitions are sets of cut one-way
 * links, which expresses halves, an isolated leader, one-way loss, a bridge and a ring alike.
 */
final class SimulatedNetwork {

    /** Where messages go: the node if it exists and is up. */
    interface Endpoint {
        void deliver(Message message);

        /** The sender learns whether a snapshot it sent arrived (the core's reportSnapshot). */
        void snapshotOutcome(long peer, boolean delivered);

        /** The sender learns that a peer could not be reached (the core's reportUnreachable). */
        void unreachable(long peer);

        /** The peer's host closed our connection to it: its process died (the core's reportConnectionReset). */
        void connectionReset(long peer);
    }

    private record Link(long from, long to) {}

    private final EventQueue queue;
    private final Random rnd;
    private final LongFunction<Endpoint> endpoints;
    private final LongToIntFunction incarnations;
    private final Trace trace;
    private final Set<Link> cut = new HashSet<>();
    private double dropRate;
    private double duplicateRate;
    private int maxDelayMs;
    private double slowRate;
    private String partitionName = "none";

    SimulatedNetwork(EventQueue queue, Random rnd, LongFunction<Endpoint> endpoints,
                     LongToIntFunction incarnations, FaultProfile profile, Trace trace) {
        this.incarnations = incarnations;
        this.queue = queue;
        this.rnd = rnd;
        this.endpoints = endpoints;
        this.trace = trace;
        setQuality(profile.dropRate(), profile.duplicateRate(), profile.maxDelayMs(), profile.slowMessageRate());
    }

    void setQuality(double drop, double duplicate, int maxDelay, double slow) {
        this.dropRate = drop;
        this.duplicateRate = duplicate;
        this.maxDelayMs = Math.max(1, maxDelay);
        this.slowRate = slow;
    }

    void send(Message m) {
        Link link = new Link(m.from(), m.to());
        if (cut.contains(link) || rnd.nextDouble() < dropRate) {
            dropped(m, "lost");
            return;
        }
        schedule(m);
        if (rnd.nextDouble() < duplicateRate) {
            schedule(m);
        }
    }

    private void schedule(Message m) {
        long delay = 1 + rnd.nextInt(maxDelayMs);
        if (rnd.nextDouble() < slowRate) {
            delay += 20 + rnd.nextInt(100);
        }
        int senderIncarnation = incarnations.applyAsInt(m.from());
        queue.after(delay, "deliver", () -> arrive(m, senderIncarnation));
    }

    private void arrive(Message m, int senderIncarnation) {
        if (incarnations.applyAsInt(m.from()) != senderIncarnation && rnd.nextBoolean()) {
            dropped(m, "sender crashed before it left its buffers");
            return;
        }
        if (cut.contains(new Link(m.from(), m.to()))) {
            dropped(m, "cut in flight");
            return;
        }
        if (trace.on()) {
            trace.log("deliver " + m);
        }
        endpoints.apply(m.to()).deliver(m);
        if (m instanceof Message.InstallSnapshotRequest) {
            endpoints.apply(m.from()).snapshotOutcome(m.to(), true);
        }
    }

    private void dropped(Message m, String why) {
        if (trace.on()) {
            trace.log("drop (" + why + ") " + m);
        }
        // The sender hears of the loss later, as a transport would: never inside its own send.
        if (m instanceof Message.InstallSnapshotRequest) {
            queue.after(1, "snapshot failed", () -> endpoints.apply(m.from()).snapshotOutcome(m.to(), false));
        } else if (cut.contains(new Link(m.from(), m.to())) && rnd.nextInt(8) == 0) {
            queue.after(1, "unreachable", () -> endpoints.apply(m.from()).unreachable(m.to()));
        }
    }

    /**
     * {@code node}'s process died: its host's kernel closes its connections, and each peer that
     * can still reach it sees a reset after a network delay. A partition or a paused process
     * closes nothing, so only crashes come here.
     */
    void processDied(long node, Iterable<Long> peers) {
        for (long peer : peers) {
            if (peer == node || cut.contains(new Link(node, peer))) {
                continue;
            }
            long delay = 1 + rnd.nextInt(maxDelayMs);
            queue.after(delay, "connection reset", () -> {
                if (trace.on()) {
                    trace.log("node " + peer + " sees its connection to " + node + " reset");
                }
                endpoints.apply(peer).connectionReset(node);
            });
        }
    }

    // ---- partitions ----

    String partitionName() {
        return partitionName;
    }

    void heal() {
        cut.clear();
        partitionName = "none";
    }

    /** Cuts every link between the two groups, both ways. */
    void split(String name, List<Long> a, List<Long> b) {
        heal();
        partitionName = name;
        for (long x : a) {
            for (long y : b) {
                cut.add(new Link(x, y));
                cut.add(new Link(y, x));
            }
        }
    }

    /** Cuts single one-way links: what one side sends is lost, the other way still works. */
    void cutOneWay(String name, List<long[]> links) {
        heal();
        partitionName = name;
        for (long[] l : links) {
            cut.add(new Link(l[0], l[1]));
        }
    }

    /** Two halves joined only through {@code bridge}, which talks to both. */
    void bridge(List<Long> a, long bridgeNode, List<Long> b) {
        split("bridge through " + bridgeNode + " " + a + "|" + b, a, b);
    }

    /** Each node talks only to its two neighbours in {@code ring}. */
    void ring(List<Long> ring) {
        heal();
        partitionName = "ring " + ring;
        int n = ring.size();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int d = Math.abs(i - j);
                if (i != j && d != 1 && d != n - 1) {
                    cut.add(new Link(ring.get(i), ring.get(j)));
                }
            }
        }
    }

    static List<Long> without(List<Long> all, Set<Long> removed) {
        List<Long> out = new ArrayList<>();
        for (long x : all) {
            if (!removed.contains(x)) {
                out.add(x);
            }
        }
        return out;
    }
}
