package io.raftkv.server.raft;

import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.Proposal;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.Snapshot;

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

    record ReportConnectionReset(long peer) implements DriverInput {}

    record ReportSnapshot(long peer, boolean succeeded) implements DriverInput {}

    /** The state machine took {@code snapshot}: compact the log up to it and tell the core. */
    record Compact(Snapshot snapshot) implements DriverInput {}

    record QueryStatus(CompletableFuture<RaftNode.Status> result) implements DriverInput {}
}
