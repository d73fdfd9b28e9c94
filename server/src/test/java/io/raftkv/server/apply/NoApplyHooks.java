package io.raftkv.server.apply;

import io.raftkv.proto.internal.MemberAttributesRequest;
import io.raftkv.proto.mvcc.Event;
import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Snapshot;

import java.util.List;

/**
 * Apply hooks for tests of a single store: no members, no watchers, and no snapshot may arrive;
 * an apply failure is recorded for the test to check.
 */
public class NoApplyHooks implements ApplyLoop.Hooks {
    @Override
    public void membershipChanged(ConfChange change, ConfState confState) {}

    @Override
    public void memberAttributes(MemberAttributesRequest attributes) {}

    @Override
    public void eventsApplied(List<Event> events, long revision) {}

    @Override
    public void restoreSnapshot(Snapshot snapshot) {
        throw new AssertionError("a test without snapshots was handed snapshot " + snapshot.index());
    }

    @Override
    public void batchWritten(long nanos) {}

    @Override
    public void afterBatch(long appliedIndex) {}

    private volatile Throwable applyFailure;

    @Override
    public void applyFailed(Throwable cause) {
        applyFailure = cause;
    }

    /** What the apply thread failed with; null while it has not. */
    public Throwable applyFailure() {
        return applyFailure;
    }
}
