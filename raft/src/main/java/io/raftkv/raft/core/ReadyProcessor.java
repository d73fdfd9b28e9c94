package io.raftkv.raft.core;

import io.raftkv.raft.storage.RaftLogStorage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Acts on one {@link Ready} in the order that keeps every acknowledged write: the one place that
 * orders persist, send and apply, used by the server's Raft thread and by the deterministic
 * simulator alike. It has no thread, clock or I/O of its own; it calls the storage, a
 * {@link MessageSink} and an {@link Applier}, on the caller's thread.
 *
 * <p>Two phases, so that a driver whose fsync completes later (the simulator) can run the same
 * code as one whose fsync returns when done (the server, which calls {@link #process}):
 * <ol>
 *   <li>{@link #beginPersist}: send {@link Ready#messages()}; hand the committed entries already
 *       durable on this node to the applier; write the snapshot, entries and hard state, asking
 *       for an fsync only when {@link Ready#mustSync()};</li>
 *   <li>{@link #finishPersist}, once that write is durable: send
 *       {@link Ready#messagesAfterPersist()} (votes and acks promise what is now on disk);
 *       restore a received snapshot; hand the remaining committed entries; hand the read
 *       states; {@link RaftNode#advance}.</li>
 * </ol>
 * Why applying before this Ready's fsync is safe: see raft/README.md, "One Ready".
 */
public final class ReadyProcessor {

    /** Where messages to peers go. Must not block on the peer. */
    @FunctionalInterface
    public interface MessageSink {
        void send(List<Message> messages);
    }

    /** The state machine's side: called in log order. */
    public interface Applier {
        /**
         * Committed entries, in order, all durable on this node. Conf changes among them were
         * already applied to the core: {@code confStates} maps the index of each CONF_CHANGE
         * entry to the configuration it produced.
         */
        void apply(List<Entry> committed, Map<Long, ConfState> confStates);

        /** A snapshot received from the leader, now durable: replace the state machine with it. */
        void restore(Snapshot snapshot);

        /** Read indexes confirmed by a quorum: each may be served once applied reaches its index. */
        void readStates(List<ReadState> readStates);
    }

    private final RaftNode node;
    private final RaftLogStorage storage;
    private final MessageSink sink;
    private final Applier applier;
    private final boolean applyBeforeDurable;

    /** The node's hard state as last written. */
    private HardState hardState;
    /** The last index of the log prefix that is durable here and that no written entry replaces. */
    private long durableLastIndex;
    /** Set between the two phases. */
    private Ready inFlight;
    /** How many of {@code inFlight}'s committed entries went to the applier before the persist. */
    private int appliedEarly;
    private boolean syncRequested;

    public ReadyProcessor(RaftNode node, RaftLogStorage storage, MessageSink sink, Applier applier) {
        this(node, storage, sink, applier, Set.of());
    }

    /**
     * As the public constructor; {@code injectedBugs} are test-only broken variants (see
     * {@link TestOnlyBug#APPLY_BEFORE_DURABLE}), empty in production.
     *
     * @param storage what the node's log reads; what it holds now is taken as durable
     */
    public ReadyProcessor(RaftNode node, RaftLogStorage storage, MessageSink sink, Applier applier,
                          Set<TestOnlyBug> injectedBugs) {
        this.node = node;
        this.storage = storage;
        this.sink = sink;
        this.applier = applier;
        this.applyBeforeDurable = injectedBugs.contains(TestOnlyBug.APPLY_BEFORE_DURABLE);
        this.hardState = storage.initialState().hardState();
        this.durableLastIndex = storage.lastIndex();
    }

    /** Both phases back to back, for a storage whose synced write returns once durable. */
    public void process(Ready rd) {
        beginPersist(rd);
        finishPersist(rd);
    }

    /**
     * Phase one. Returns whether the write asked for an fsync: if so, call
     * {@link #finishPersist} only once it is durable.
     */
    public boolean beginPersist(Ready rd) {
        if (inFlight != null) {
            throw new IllegalStateException("finishPersist() the previous Ready before the next");
        }
        inFlight = rd;
        sink.send(rd.messages());

        long firstNew = rd.entries().isEmpty() ? Long.MAX_VALUE : rd.entries().get(0).index();
        // An entry this Ready writes (a new one, or one replacing a conflicting suffix) is not
        // durable until its fsync; behind a snapshot nothing may apply before the restore.
        long applicable = rd.snapshot().isPresent() ? 0 : Math.min(durableLastIndex, firstNew - 1);
        if (applyBeforeDurable) {
            applicable = Long.MAX_VALUE;
        }
        List<Entry> committed = rd.committedEntries();
        int early = 0;
        while (early < committed.size() && committed.get(early).index() <= applicable) {
            early++;
        }
        appliedEarly = early;
        apply(committed.subList(0, early));

        rd.snapshot().ifPresent(storage::applySnapshot);
        rd.hardState().ifPresent(hs -> hardState = hs);
        if (!rd.entries().isEmpty() || rd.hardState().isPresent()) {
            storage.save(hardState, rd.entries(), rd.mustSync());
        }
        long replacedFrom = Math.min(firstNew, rd.snapshot().map(s -> s.index() + 1).orElse(Long.MAX_VALUE));
        durableLastIndex = Math.min(durableLastIndex, replacedFrom - 1);
        syncRequested = rd.mustSync();
        return syncRequested;
    }

    /** Phase two: everything the write of {@link #beginPersist} had to precede. */
    public void finishPersist(Ready rd) {
        if (rd != inFlight) {
            throw new IllegalArgumentException("finishPersist() must be given the Ready of beginPersist()");
        }
        if (syncRequested) {
            durableLastIndex = storage.lastIndex();
        }
        sink.send(rd.messagesAfterPersist());
        rd.snapshot().ifPresent(applier::restore);
        List<Entry> committed = rd.committedEntries();
        apply(committed.subList(appliedEarly, committed.size()));
        if (!rd.readStates().isEmpty()) {
            applier.readStates(rd.readStates());
        }
        inFlight = null;
        node.advance(rd);
    }

    private void apply(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Map<Long, ConfState> confStates = Map.of();
        for (Entry e : entries) {
            if (e.type() == Entry.Type.CONF_CHANGE) {
                if (confStates.isEmpty()) {
                    confStates = new HashMap<>();
                }
                confStates.put(e.index(), node.applyConfChange(ConfChange.decode(e.data())));
            }
        }
        applier.apply(entries, confStates);
    }
}
