package io.raftkv.server.node;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SoftState;
import io.raftkv.server.apply.AppliedIndexWaiter;
import io.raftkv.server.apply.ApplyLoop;
import io.raftkv.server.apply.ProposalTracker;
import io.raftkv.server.raft.RaftDriverListener;
import io.raftkv.storage.mvcc.MvccOptions;
import io.raftkv.storage.mvcc.MvccStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A test member of a {@link io.raftkv.server.raft.DriverCluster} that applies what its driver
 * commits to a real state machine and matches proposals to calls, as {@link RaftKvNode} wires it.
 */
record ApplyingMember(MvccStore store, ProposalTracker tracker, AppliedIndexWaiter waiter, ApplyLoop loop)
        implements AutoCloseable {

    static ApplyingMember open(Path dir, long id, ApplyLoop.Hooks hooks) {
        MvccStore store = MvccStore.open(dir.resolve("m" + id), MvccOptions.defaults());
        ProposalTracker tracker = new ProposalTracker(id, 0);
        AppliedIndexWaiter waiter = new AppliedIndexWaiter(store.state().appliedIndex(), Runnable::run);
        ApplyLoop loop = new ApplyLoop("m" + id, store, tracker, waiter, hooks);
        loop.start();
        return new ApplyingMember(store, tracker, waiter, loop);
    }

    /** What the member's driver hands committed entries to; a Raft thread's failure goes to {@code raftFailures}. */
    RaftDriverListener listener(Consumer<Throwable> raftFailures) {
        return new RaftDriverListener() {
            @Override
            public void onCommitted(List<Entry> entries, Map<Long, ConfState> confStates) throws InterruptedException {
                loop.committed(entries, confStates);
            }

            @Override
            public void onSnapshotReceived(Snapshot snapshot) throws InterruptedException {
                loop.restore(snapshot);
            }

            @Override
            public void onSoftState(SoftState state, long term) {}

            @Override
            public void onFailure(Throwable cause) {
                raftFailures.accept(cause);
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        loop.close();
        store.close();
    }
}
