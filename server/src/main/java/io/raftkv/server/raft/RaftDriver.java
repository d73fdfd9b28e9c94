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
import io.raftkv.raft.core.SoftState;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.storage.RaftLogStorage;
import io.raftkv.storage.log.RocksRaftLogStorage;
import io.raftkv.server.api.EtcdError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Raft thread: the only thread that touches the consensus core. Each turn it drains every
 * queued input (so proposals that arrived together are appended together and fsynced once:
 * group commit), ticks when a heartbeat interval has passed, and then acts on the core's
 * {@link Ready}: sends what may go at once, persists, sends what had to wait for the fsync,
 * and hands committed entries to the apply thread.
 *
 * <p>Other threads never block on it: they enqueue and get a future. The input queue is
 * bounded; a full queue refuses with {@code etcdserver: too many requests}.
 */
public final class RaftDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);
    private static final int INPUT_QUEUE_CAPACITY = 16_384;
    private static final int MAX_INPUTS_PER_TURN = 4_096;

    private final RaftNode node;
    private final RaftLogStorage storage;
    private final Consumer<List<Message>> transport;
    private final RaftDriverListener listener;
    private final long tickNanos;
    private final BlockingQueue<DriverInput> inputs = new ArrayBlockingQueue<>(INPUT_QUEUE_CAPACITY);
    /** Peer messages get their own queue so a flood of client requests cannot starve consensus. */
    private final BlockingQueue<Message> peerMessages = new ArrayBlockingQueue<>(INPUT_QUEUE_CAPACITY);
    private final Map<Long, List<CompletableFuture<Long>>> pendingReads = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long readSequence;
    private long lastLeader;
    private long lastTerm;
    private volatile RaftNode.Status lastStatus;

    public RaftDriver(String name, RaftNode node, RaftLogStorage storage, Consumer<List<Message>> transport,
                      RaftDriverListener listener, long tickMillis) {
        this.node = node;
        this.storage = storage;
        this.transport = transport;
        this.listener = listener;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
        this.lastStatus = node.status();
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
        if (!peerMessages.offer(message)) {
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
        inputs.offer(new DriverInput.ReportUnreachable(peer));
    }

    /** The peer's host closed or refused our connection: if it led, a new election starts within a few ticks. */
    public void reportConnectionReset(long peer) {
        inputs.offer(new DriverInput.ReportConnectionReset(peer));
    }

    public void reportSnapshot(long peer, boolean succeeded) {
        inputs.offer(new DriverInput.ReportSnapshot(peer, succeeded));
    }

    /**
     * The state machine durably holds {@code snapshot}: the Raft thread (the only one that
     * touches the log) compacts the log up to it, and followers behind it get the snapshot.
     */
    public void compact(Snapshot snapshot) {
        try {
            inputs.put(new DriverInput.Compact(snapshot));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(DriverInput input, CompletableFuture<?> result) {
        if (!running) {
            result.completeExceptionally(EtcdError.STOPPED.asException());
        } else if (!inputs.offer(input)) {
            result.completeExceptionally(EtcdError.TOO_MANY_REQUESTS.asException());
        }
    }

    private void run() {
        long nextTick = System.nanoTime() + tickNanos;
        List<DriverInput> batch = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        try {
            while (running) {
                long wait = nextTick - System.nanoTime();
                if (wait > 0 && inputs.isEmpty() && peerMessages.isEmpty()) {
                    DriverInput first = inputs.poll(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                    if (first != null) {
                        batch.add(first);
                    }
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // A core or storage failure leaves this node unable to make progress safely: stop it
            // rather than continue with state that may be inconsistent on disk.
            log.error("Raft thread failed; this node stops serving", e);
        } finally {
            running = false;
            failPending();
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
            // All reads that arrived in this turn share one quorum round.
            long id = ++readSequence;
            try {
                node.readIndex(ByteBuffer.allocate(8).putLong(id).array());
                pendingReads.put(id, reads);
            } catch (ProposalRejectedException e) {
                reads.forEach(r -> r.completeExceptionally(RaftErrors.toStatus(e)));
            }
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

    private void process(Ready ready) throws InterruptedException {
        transport.accept(ready.messages());
        if (ready.snapshot().isPresent()) {
            storage.applySnapshot(ready.snapshot().get());
            listener.onSnapshotReceived(ready.snapshot().get());
        }
        persist(ready);
        transport.accept(ready.messagesAfterPersist());
        if (!ready.committedEntries().isEmpty()) {
            // Membership changes take effect in the core when committed entries are handed out;
            // the state machine persists the resulting configuration with its applied index, and
            // a restart replays (and re-applies) whatever it had not yet persisted.
            Map<Long, ConfState> confStates = new HashMap<>();
            for (Entry e : ready.committedEntries()) {
                if (e.type() == Entry.Type.CONF_CHANGE) {
                    confStates.put(e.index(), node.applyConfChange(ConfChange.decode(e.data())));
                }
            }
            listener.onCommitted(ready.committedEntries(), confStates);
        }
        for (ReadState rs : ready.readStates()) {
            long id = ByteBuffer.wrap(rs.context()).getLong();
            List<CompletableFuture<Long>> waiting = pendingReads.remove(id);
            if (waiting != null) {
                waiting.forEach(f -> f.complete(rs.index()));
            }
        }
        if (ready.softState().isPresent()) {
            SoftState soft = ready.softState().get();
            long term = node.status().term();
            if (soft.leaderId() != lastLeader || term != lastTerm) {
                // Reads queued with the old leader will never be answered: let callers retry.
                pendingReads.values().forEach(l -> l.forEach(f -> f.completeExceptionally(EtcdError.LEADER_CHANGED.asException())));
                pendingReads.clear();
            }
            lastLeader = soft.leaderId();
            lastTerm = term;
            listener.onSoftState(soft, term);
        }
        node.advance(ready);
    }

    /** Entries and hard state of one Ready, with a single fsync when the storage can do that. */
    private void persist(Ready ready) {
        if (storage instanceof RocksRaftLogStorage rocks && ready.hardState().isPresent()) {
            rocks.save(ready.hardState().get(), ready.entries());
            return;
        }
        if (!ready.entries().isEmpty()) {
            storage.append(ready.entries());
        }
        ready.hardState().ifPresent(storage::setHardState);
    }

    private void failPending() {
        pendingReads.values().forEach(l -> l.forEach(f -> f.completeExceptionally(EtcdError.STOPPED.asException())));
        pendingReads.clear();
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
