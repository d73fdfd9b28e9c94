package io.raftkv.raft.core.confchange;

import io.raftkv.raft.core.ConfChange;
import io.raftkv.raft.core.ConfState;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipChangeRulesTest {

    private static final ConfState CONF = new ConfState(Set.of(1L, 2L, 3L), Set.of(4L));

    private static ConfChange cc(ConfChange.Type type, long id) {
        return new ConfChange(type, id, new byte[0]);
    }

    @Test
    void eachChangeMovesExactlyOneNode() {
        assertThat(MembershipChange.apply(CONF, cc(ConfChange.Type.ADD_LEARNER, 5)))
                .isEqualTo(new ConfState(Set.of(1L, 2L, 3L), Set.of(4L, 5L)));
        assertThat(MembershipChange.apply(CONF, cc(ConfChange.Type.PROMOTE_LEARNER, 4)))
                .isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L, 4L)));
        assertThat(MembershipChange.apply(CONF, cc(ConfChange.Type.ADD_VOTER, 5)))
                .isEqualTo(new ConfState(Set.of(1L, 2L, 3L, 5L), Set.of(4L)));
        assertThat(MembershipChange.apply(CONF, cc(ConfChange.Type.REMOVE_NODE, 2)))
                .isEqualTo(new ConfState(Set.of(1L, 3L), Set.of(4L)));
        assertThat(MembershipChange.apply(CONF, cc(ConfChange.Type.REMOVE_NODE, 4)))
                .isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L)));
    }

    @Test
    void invalidChangesAreRefusedAndApplyAsNoOps() {
        assertThat(MembershipChange.validate(CONF, cc(ConfChange.Type.PROMOTE_LEARNER, 2))).isPresent();
        assertThat(MembershipChange.validate(CONF, cc(ConfChange.Type.ADD_LEARNER, 1))).isPresent();
        assertThat(MembershipChange.validate(CONF, cc(ConfChange.Type.REMOVE_NODE, 9))).isPresent();
        assertThat(MembershipChange.validate(ConfState.ofVoters(Set.of(1L)), cc(ConfChange.Type.REMOVE_NODE, 1)))
                .isPresent();
        assertThat(MembershipChange.apply(CONF, cc(ConfChange.Type.REMOVE_NODE, 9))).isEqualTo(CONF);
        // Adding an existing voter is harmless (the bootstrap entries may be applied twice after a restart).
        assertThat(MembershipChange.apply(CONF, cc(ConfChange.Type.ADD_VOTER, 1))).isEqualTo(CONF);
    }
}
