package io.raftkv.server.raft;

import io.grpc.StatusRuntimeException;
import io.raftkv.raft.core.ProposalRejectedException;
import io.raftkv.server.api.EtcdError;

/** Maps the core's refusals to the etcd error a client understands. */
final class RaftErrors {
    private RaftErrors() {}

    static StatusRuntimeException toStatus(ProposalRejectedException e) {
        EtcdError error = switch (e.reason()) {
            case NOT_LEADER -> e.leaderHint() == 0 ? EtcdError.NO_LEADER : EtcdError.NOT_LEADER;
            case LEADERSHIP_TRANSFER -> EtcdError.LEADER_CHANGED;
            case UNCOMMITTED_LIMIT -> EtcdError.TOO_MANY_REQUESTS;
            case CONF_CHANGE_IN_PROGRESS -> EtcdError.MEMBER_NOT_ENOUGH_STARTED;
            case INVALID_CONF_CHANGE -> EtcdError.MEMBER_NOT_FOUND;
            case INVALID_TRANSFER_TARGET -> EtcdError.BAD_LEADER_TRANSFEREE;
            case NOT_READY -> EtcdError.TIMEOUT;
        };
        return error.asException();
    }
}
