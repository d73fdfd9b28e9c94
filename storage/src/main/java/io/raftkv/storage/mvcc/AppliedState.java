package io.raftkv.storage.mvcc;

import io.raftkv.proto.etcd.AlarmMember;
import io.raftkv.proto.internal.MvccMeta;
import io.raftkv.raft.core.ConfState;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the state machine stands: the last applied entry, the membership in force, the store
 * revision (1 when empty), the last compaction (-1: none) and the active alarms.
 */
public record AppliedState(long appliedIndex, long appliedTerm, ConfState confState, long revision,
                           long compactRevision, List<AlarmMember> alarms) {
    public AppliedState {
        alarms = List.copyOf(alarms);
    }

    static final AppliedState EMPTY = new AppliedState(0, 0, ConfState.EMPTY, 1, -1, List.of());

    static AppliedState fromMeta(MvccMeta meta) {
        return new AppliedState(meta.getAppliedIndex(), meta.getAppliedTerm(),
                new ConfState(Set.copyOf(meta.getVotersList()), Set.copyOf(meta.getLearnersList())),
                meta.getRevision(), meta.getCompactRevision(), meta.getAlarmsList());
    }

    MvccMeta toMeta() {
        return MvccMeta.newBuilder()
                .setAppliedIndex(appliedIndex)
                .setAppliedTerm(appliedTerm)
                .addAllVoters(new TreeSet<>(confState.voters()))
                .addAllLearners(new TreeSet<>(confState.learners()))
                .setRevision(revision)
                .setCompactRevision(compactRevision)
                .addAllAlarms(alarms)
                .build();
    }
}
