package io.raftkv.server.raft;

import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.Proposal;
import io.raftkv.raft.core.ProposalRejectedException;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.ReadState;
import io.raftkv.raft.core.Ready;
import io.raftkv.raft.core.ReadyProcessor;
import io.raftkv.raft.core.SoftState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.storage.RaftLogStorage;
import io.raftkv.server.api.EtcdError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The Raft thread: the only thread that touches the consensus core. It sleeps until a client
 * input, a peer message or the next tick arrives (both queues wake it; it never polls), then
 * drains every queued input (so proposals that arrived together are appended together and
 * fsynced once: group commit), ticks when a heartbeat interval has passed, and hands each
 * {@link Ready} to the {@link ReadyProcessor} the simulator drives too: send, hand durable
 * committed entries to the apply thread, persist (fsync only when the Ready must be durable),
 * send what had to wait for it, hand the rest. Confirmed reads complete on the read pool.
 *
 * <p>Other threads never block on it: they enqueue and get a future. The input queue is
 * bounded; a full queue refuses with {@code etcdserver: too many requests}.
 */
public final class RaftDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);
    private static final int INPUT_QUEUE_CAPACITY = 16_384;
    private static final int MAX_INPUTS_PER_TURN = 4_096;
    /** An unanswered ReadIndex round is asked again after this long (etcd's readIndexRetryTime)... */
    private static final long READ_RETRY_MILLIS = 500;
    /** ...and its reads fail with etcd's "request timed out" after this long (etcd's request timeout). */
    private static final long READ_TIMEOUT_MILLIS = 5_000;

    private final RaftNode node;
    private final RaftLogStorage storage;
    private final Consumer<List<Message>> transport;
    private final RaftDriverListener listener;
    private final long tickNanos;
    private final BlockingQueue<DriverInput> inputs = new ArrayBlockingQueue<>(INPUT_QUEUE_CAPACITY);
    /** Peer messages get their own queue so a flood of client requests cannot starve consensus. */
    private final BlockingQueue<Message> peerMessages = new ArrayBlockingQueue<>(INPUT_QUEUE_CAPACITY);
    private final PendingReadRounds pendingReads;
    private final ReadyProcessor readyProcessor;
    private final Thread thread;
    /** Set while the Raft thread is parked with both queues empty: producers then unpark it. */
    private volatile boolean sleeping;
    private volatile boolean running = true;
    private long lastLeader;
    private long lastTerm;
    private volatile RaftNode.Status lastStatus;

    /**
     * @param readCompletions where confirmed read indexes complete their futures, and so where
     *                        what the reader chained on them runs: never the Raft thread
     */
    public RaftDriver(String name, RaftNode node, RaftLogStorage storage, Consumer<List<Message>> transport,
                      RaftDriverListener listener, long tickMillis, Executor readCompletions) {
        this.node = node;
        this.storage = storage;
        this.transport = transport;
        this.listener = listener;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
        this.pendingReads = new PendingReadRounds((int) Math.max(1, READ_RETRY_MILLIS / tickMillis),
                (int) Math.max(1, READ_TIMEOUT_MILLIS / tickMillis), readCompletions);
        this.lastStatus = node.status();
        this.readyProcessor = new ReadyProcessor(node, storage, transport::accept, new ListenerApplier());
        this.thread = new Thread(this::run, "raft-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The last status the Raft thread published; cheap, never blocks. */
    public RaftNode.Status status() {
        return lastStatus;
    }

    /** Delivers a peer's message. Dropped (like a lost packet) if the node is overwhelmed. */
    public void step(Message message) {
        if (peerMessages.offer(message)) {
            wake();
        } else {
            log.warn("dropping {} from {}: peer queue full", message.getClass().getSimpleName(), message.from());
        }
    }

    public CompletableFuture<Proposal> propose(byte[] data) {
        CompletableFuture<Proposal> result = new CompletableFuture<>();
        submit(new DriverInput.Propose(data, result), result);
        return result;
    }

    public CompletableFuture<Proposal> proposeConfChange(ConfChange change) {
        CompletableFuture<Proposal> result = new CompletableFuture<>();
        submit(new DriverInput.ProposeConfChange(change, result), result);
        return result;
    }

    /** A read index confirmed by a quorum: a linearizable read may run once applied reaches it. */
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        submit(new DriverInput.ReadIndex(result), result);
        return result;
    }

    public CompletableFuture<Void> transferLeadership(long target) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(new DriverInput.TransferLeadership(target, result), result);
        return result;
    }

    public void reportUnreachable(long peer) {
        if (inputs.offer(new DriverInput.ReportUnreachable(peer))) {
            wake();
        }
    }

    /** The peer's host closed or refused our connection: if it led, a new election starts within a few ticks. */
    public void reportConnectionReset(long peer) {
        if (inputs.offer(new DriverInput.ReportConnectionReset(peer))) {
            wake();
        }
    }

    public void reportSnapshot(long peer, boolean succeeded) {
        if (inputs.offer(new DriverInput.ReportSnapshot(peer, succeeded))) {
            wake();
        }
    }

    /**
     * The state machine durably holds {@code snapshot}: the Raft thread (the only one that
     * touches the log) compacts the log up to it, and followers behind it get the snapshot.
     */
    public void compact(Snapshot snapshot) {
        // Called by the apply thread. Never dropped (older snapshot files get pruned), but never an
        // unbounded wait: the Raft thread drains its inputs every turn, unless it has stopped.
        try {
            while (!inputs.offer(new DriverInput.Compact(snapshot), 100, TimeUnit.MILLISECONDS)) {
                if (!isRunning()) {
                    log.warn("not compacting the log to snapshot {}: the Raft thread has stopped", snapshot.index());
                    return;
                }
            }
            wake();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(DriverInput input, CompletableFuture<?> result) {
        if (!running) {
            result.completeExceptionally(EtcdError.STOPPED.asException());
        } else if (inputs.offer(input)) {
            wake();
        } else {
            result.completeExceptionally(EtcdError.TOO_MANY_REQUESTS.asException());
        }
    }

    /**
     * After an offer: unpark the Raft thread if it sleeps. No wake-up is lost: the Raft thread
     * sets {@code sleeping} before it checks the queues, and we check {@code sleeping} after the
     * offer, so one of us sees the other (and an unpark before the park makes it return at once).
     */
    private void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** Parks until an input arrives or {@code nanos} pass (spurious returns are harmless). */
    private void sleep(long nanos) {
        sleeping = true;
        if (inputs.isEmpty() && peerMessages.isEmpty()) {
            LockSupport.parkNanos(this, nanos);
        }
        sleeping = false;
    }

    private void run() {
        Throwable failure = null;
        try {
            loop();
        } catch (InterruptedException | Stopped e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // A core or storage failure leaves this node unable to make progress safely: stop it
            // rather than continue with state that may be inconsistent on disk.
            log.error("Raft thread failed; this node stops serving", e);
            failure = e;
        } finally {
            running = false;
            failPending();
        }
        if (failure != null) {
            listener.onFailure(failure);
        }
    }

    private void loop() throws InterruptedException {
        long nextTick = System.nanoTime() + tickNanos;
        List<DriverInput> batch = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        while (running) {
            long wait = nextTick - System.nanoTime();
            if (wait > 0) {
                sleep(wait); // until a client input, a peer message or the next tick
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            peerMessages.drainTo(messages, MAX_INPUTS_PER_TURN);
            inputs.drainTo(batch, MAX_INPUTS_PER_TURN);
            for (Message m : messages) {
                node.step(m);
            }
            messages.clear();
            handle(batch);
            batch.clear();
            if (System.nanoTime() - nextTick >= 0) {
                node.tick();
                pendingReads.tick(node::readIndex);
                nextTick += tickNanos;
                if (System.nanoTime() - nextTick > 10 * tickNanos) {
                    nextTick = System.nanoTime() + tickNanos; // after a long pause, do not tick in a burst
                }
            }
            while (node.hasReady()) {
                process(node.ready());
            }
            lastStatus = node.status();
        }
    }

    private void handle(List<DriverInput> batch) {
        List<CompletableFuture<Long>> reads = new ArrayList<>();
        for (DriverInput input : batch) {
            try {
                if (input instanceof DriverInput.Propose p) {
                    p.result().complete(node.propose(p.data()));
                } else if (input instanceof DriverInput.ProposeConfChange p) {
                    p.result().complete(node.proposeConfChange(p.change()));
                } else if (input instanceof DriverInput.ReadIndex r) {
                    reads.add(r.result());
                } else if (input instanceof DriverInput.TransferLeadership t) {
                    node.transferLeadership(t.target());
                    t.result().complete(null);
                } else if (input instanceof DriverInput.ReportUnreachable u) {
                    node.reportUnreachable(u.peer());
                } else if (input instanceof DriverInput.ReportConnectionReset r) {
                    node.reportConnectionReset(r.peer());
                } else if (input instanceof DriverInput.ReportSnapshot s) {
                    node.reportSnapshot(s.peer(), s.succeeded());
                } else if (input instanceof DriverInput.Compact c) {
                    if (c.snapshot().index() > storage.firstIndex() - 1) {
                        storage.compact(c.snapshot());
                        node.onCompacted(c.snapshot().index());
                    }
                } else if (input instanceof DriverInput.QueryStatus q) {
                    q.result().complete(node.status());
                }
            } catch (ProposalRejectedException e) {
                fail(input, e);
            }
        }
        if (!reads.isEmpty()) {
            pendingReads.start(reads, node::readIndex); // all reads that arrived in this turn share one quorum round
        }
    }

    private static void fail(DriverInput input, ProposalRejectedException e) {
        CompletableFuture<?> result = null;
        if (input instanceof DriverInput.Propose p) {
            result = p.result();
        } else if (input instanceof DriverInput.ProposeConfChange p) {
            result = p.result();
        } else if (input instanceof DriverInput.TransferLeadership t) {
            result = t.result();
        }
        if (result != null) {
            result.completeExceptionally(RaftErrors.toStatus(e));
        }
    }

    private void process(Ready ready) {
        readyProcessor.process(ready);
        if (ready.softState().isPresent()) {
            SoftState soft = ready.softState().get();
            long term = node.status().term();
            if (soft.leaderId() != lastLeader || term != lastTerm) {
                // Reads queued with the old leader will never be answered: let callers retry.
                pendingReads.failAll(EtcdError.LEADER_CHANGED.asException());
            }
            lastLeader = soft.leaderId();
            lastTerm = term;
            listener.onSoftState(soft, term);
        }
    }

    /** Where the {@link ReadyProcessor} hands committed entries, snapshots and confirmed reads. */
    private final class ListenerApplier implements ReadyProcessor.Applier {
        @Override
        public void apply(List<Entry> committed, Map<Long, ConfState> confStates) {
            try {
                listener.onCommitted(committed, confStates);
            } catch (InterruptedException e) {
                throw new Stopped(e);
            }
        }

        @Override
        public void restore(Snapshot snapshot) {
            try {
                listener.onSnapshotReceived(snapshot);
            } catch (InterruptedException e) {
                throw new Stopped(e);
            }
        }

        @Override
        public void readStates(List<ReadState> readStates) {
            readStates.forEach(pendingReads::complete);
        }
    }

    /** The Raft thread was interrupted while handing work on: it is stopping. */
    private static final class Stopped extends RuntimeException {
        Stopped(InterruptedException cause) {
            super(cause);
        }
    }

    private void failPending() {
        pendingReads.failAll(EtcdError.STOPPED.asException());
        List<DriverInput> left = new ArrayList<>();
        inputs.drainTo(left);
        for (DriverInput input : left) {
            fail(input, new ProposalRejectedException(ProposalRejectedException.Reason.NOT_LEADER, 0, "stopped"));
            if (input instanceof DriverInput.ReadIndex r) {
                r.result().completeExceptionally(EtcdError.STOPPED.asException());
            }
        }
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
