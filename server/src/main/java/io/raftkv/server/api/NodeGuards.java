package io.raftkv.server.api;

import io.raftkv.proto.etcd.AlarmType;
import io.raftkv.server.node.RaftKvNode;

/** The checks several services share before serving a request. */
public final class NodeGuards {
    private final RaftKvNode node;

    public NodeGuards(RaftKvNode node) {
        this.node = node;
    }

    /** Learners serve only Status and serializable reads (etcd's rule). */
    public void refuseLearner() {
        if (node.isLearner()) {
            throw EtcdError.NOT_SUPPORTED_FOR_LEARNER.asException();
        }
    }

    /** With a NOSPACE alarm raised, writes that may grow the store are refused; reads and deletes still work. */
    public void refuseWhenNoSpace() {
        boolean noSpace = node.store().state().alarms().stream().anyMatch(a -> a.getAlarm() == AlarmType.NOSPACE);
        if (noSpace) {
            throw EtcdError.NO_SPACE.asException();
        }
    }
}
