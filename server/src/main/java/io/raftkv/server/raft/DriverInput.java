package io.raftkv.server.raft;

import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.Proposal;
import io.raftkv.raft.core.RaftNode;

import java.util.concurrent.CompletableFuture;

/**
 * What other threads hand to the Raft thread. Everything that touches the core goes through
 * one of these, so the core is only ever used by its own thread.
 */
sealed interface DriverInput {

    record Step(Message message) implements DriverInput {}

    record Propose(byte[] data, CompletableFuture<Proposal> result) implements DriverInput {}

    record ProposeConfChange(ConfChange change, CompletableFuture<Proposal> result) implements DriverInput {}

    record ReadIndex(CompletableFuture<Long> result) implements DriverInput {}

    record TransferLeadership(long target, CompletableFuture<Void> result) implements DriverInput {}

    record ReportUnreachable(long peer) implements DriverInput {}

    record ReportSnapshot(long peer, boolean succeeded) implements DriverInput {}

    /** The state machine took a snapshot at {@code index} and the log was compacted up to it. */
    record Compacted(long index) implements DriverInput {}

    record QueryStatus(CompletableFuture<RaftNode.Status> result) implements DriverInput {}
}
