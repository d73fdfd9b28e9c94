package io.raftkv.server.apply;

import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.storage.mvcc.ApplyBatchResult;
import io.raftkv.storage.mvcc.ApplyResult;
import io.raftkv.storage.mvcc.CommittedCommand;
import io.raftkv.storage.mvcc.MvccStore;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.proto.internal.MemberAttributesRequest;
import io.raftkv.proto.mvcc.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The apply thread: applies committed entries to the state machine in log order, one RocksDB
 * write per batch, then completes the waiting client calls, wakes reads waiting for the applied
 * index, and hands the batch's events to the watchers.
 */
public final class ApplyLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);

    /** Work the Raft thread hands over, in order. */
    private sealed interface Work {
        record Committed(List<Entry> entries, Map<Long, ConfState> confStates) implements Work {}

        record Restore(Snapshot snapshot) implements Work {}
    }

    /** What else must happen when something is applied; implemented by the node. */
    public interface Hooks {
        /**
         * A membership change is about to be applied. Called before the batch holding it is
         * written, and again if that batch is replayed after a crash: it must be idempotent.
         */
        void membershipChanged(ConfChange change, ConfState confState);

        /** A member announced its attributes; same contract as {@link #membershipChanged}. */
        void memberAttributes(MemberAttributesRequest attributes);

        /** The events of an applied batch, in revision order; must not block. */
        void eventsApplied(List<Event> events, long revision);

        /** The state machine was replaced by a snapshot received from the leader. */
        void restoreSnapshot(Snapshot snapshot) throws Exception;

        /** A batch was written to the state machine in {@code nanos} (etcd's backend commit latency). */
        void batchWritten(long nanos);

        /** Called after every batch with the new applied index (snapshot policy lives there). */
        void afterBatch(long appliedIndex);

        /**
         * The apply thread failed and has stopped: this replica can no longer follow the log
         * safely. Called once, on the apply thread as it exits.
         */
        void applyFailed(Throwable cause);
    }

    private final MvccStore store;
    private final ProposalTracker tracker;
    private final AppliedIndexWaiter waiter;
    private final Hooks hooks;
    /**
     * Unbounded: the Raft thread must never wait for applying, or a stalled apply (a snapshot being
     * packed, a slow disk) stops its ticks and heartbeats and followers start an election. Writes
     * are refused instead once too much is committed but not applied (see the Proposer).
     */
    private final BlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public ApplyLoop(String name, MvccStore store, ProposalTracker tracker, AppliedIndexWaiter waiter, Hooks hooks) {
        this.store = store;
        this.tracker = tracker;
        this.waiter = waiter;
        this.hooks = hooks;
        this.thread = new Thread(this::run, "apply-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Called by the Raft thread; never blocks. */
    public void committed(List<Entry> entries, Map<Long, ConfState> confStates) {
        enqueue(new Work.Committed(entries, confStates));
    }

    /** Called by the Raft thread; never blocks. */
    public void restore(Snapshot snapshot) {
        enqueue(new Work.Restore(snapshot));
    }

    private void enqueue(Work work) {
        if (failure == null) { // a failed apply thread takes nothing more: do not hoard the log in memory
            queue.add(work);
        }
    }

    public boolean healthy() {
        return failure == null && thread.isAlive();
    }

    private void run() {
        List<Work> drained = new ArrayList<>();
        try {
            while (running) {
                Work first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                drained.add(first);
                queue.drainTo(drained);
                List<Entry> entries = new ArrayList<>();
                java.util.HashMap<Long, ConfState> confStates = new java.util.HashMap<>();
                for (Work w : drained) {
                    if (w instanceof Work.Committed c) {
                        entries.addAll(c.entries());
                        confStates.putAll(c.confStates());
                    } else if (w instanceof Work.Restore r) {
                        applyEntries(entries, confStates);
                        entries.clear();
                        confStates.clear();
                        restoreFrom(r.snapshot());
                    }
                }
                applyEntries(entries, confStates);
                drained.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            // Applying must be deterministic on every replica: a failure here means this replica
            // can no longer follow the log safely, so it stops applying instead of diverging.
            failure = t;
            log.error("apply thread failed after applied index {}; this node stops applying and reports itself"
                    + " unhealthy: {}", waiter.applied(), t.getMessage(), t);
            hooks.applyFailed(t);
        }
    }

    private void applyEntries(List<Entry> entries, Map<Long, ConfState> confStates) {
        if (entries.isEmpty()) {
            return;
        }
        List<CommittedCommand> commands = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (e.type() == Entry.Type.CONF_CHANGE) {
                ConfState cs = confStates.get(e.index());
                commands.add(new CommittedCommand.MembershipChange(e.index(), e.term(), cs));
                hooks.membershipChanged(ConfChange.decode(e.data()), cs);
            } else {
                CommittedCommand command = CommittedCommand.ofNormalEntry(e);
                commands.add(command);
                if (command instanceof CommittedCommand.Request r
                        && r.request().getRequestCase() == InternalRequest.RequestCase.MEMBER_ATTRIBUTES) {
                    hooks.memberAttributes(r.request().getMemberAttributes());
                }
            }
        }
        long start = System.nanoTime();
        ApplyBatchResult result = store.applyBatch(commands);
        hooks.batchWritten(System.nanoTime() - start);
        for (int i = 0; i < commands.size(); i++) {
            ApplyResult r = result.results().get(i);
            long requestId = r instanceof ApplyResult.Applied a ? a.requestId()
                    : r instanceof ApplyResult.Rejected rj ? rj.requestId() : 0;
            if (requestId != 0) {
                tracker.applied(r.index(), commands.get(i).term(), requestId, r);
            }
        }
        long last = entries.get(entries.size() - 1).index();
        tracker.appliedThrough(last);
        if (!result.events().isEmpty()) {
            hooks.eventsApplied(result.events(), result.revision());
        }
        waiter.advance(Math.max(last, result.appliedIndex()));
        hooks.afterBatch(result.appliedIndex());
    }

    private void restoreFrom(Snapshot snapshot) throws Exception {
        hooks.restoreSnapshot(snapshot);
        tracker.snapshotRestored(snapshot.index());
        waiter.advance(snapshot.index());
        hooks.afterBatch(snapshot.index());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
    }
}
