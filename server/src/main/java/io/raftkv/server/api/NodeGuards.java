package io.raftkv.server.api;

import io.raftkv.proto.etcd.AlarmRequest;
import io.raftkv.proto.etcd.AlarmType;
import io.raftkv.proto.internal.InternalRequest;
import io.raftkv.server.node.RaftKvNode;

import java.util.concurrent.atomic.AtomicBoolean;

/** The checks several services share before serving a request. */
public final class NodeGuards {
    /** The store's size is read at most this often (it sums RocksDB properties). */
    private static final long SIZE_CHECK_INTERVAL_NANOS = 500_000_000L;

    private final RaftKvNode node;
    private final AtomicBoolean alarmProposed = new AtomicBoolean();
    private volatile long lastSizeCheck;
    private volatile boolean overQuota;

    public NodeGuards(RaftKvNode node) {
        this.node = node;
    }

    /** Learners serve only Status and serializable reads (etcd's rule). */
    public void refuseLearner() {
        if (node.isLearner()) {
            throw EtcdError.NOT_SUPPORTED_FOR_LEARNER.asException();
        }
    }

    /**
     * etcd's space quota: once the store outgrows --quota-backend-bytes a NOSPACE alarm is
     * raised through the log (so every member refuses), and writes that may grow the store are
     * refused until an operator frees space (compact, defrag) and disarms it. Reads and deletes
     * still work.
     */
    public void refuseWhenNoSpace() {
        boolean alarmed = node.store().state().alarms().stream().anyMatch(a -> a.getAlarm() == AlarmType.NOSPACE);
        if (alarmed) {
            throw EtcdError.NO_SPACE.asException();
        }
        long now = System.nanoTime();
        if (now - lastSizeCheck > SIZE_CHECK_INTERVAL_NANOS) {
            lastSizeCheck = now;
            overQuota = node.store().dbSize() > node.config().quotaBackendBytes();
            if (!overQuota) {
                alarmProposed.set(false);
            }
        }
        if (overQuota) {
            if (alarmProposed.compareAndSet(false, true)) {
                node.propose(InternalRequest.newBuilder().setAlarm(AlarmRequest.newBuilder()
                        .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(node.memberId())
                        .setAlarm(AlarmType.NOSPACE)).build())
                        .whenComplete((r, t) -> {
                            if (t != null) {
                                alarmProposed.set(false); // try again with the next write
                            }
                        });
            }
            throw EtcdError.NO_SPACE.asException();
        }
    }
}
