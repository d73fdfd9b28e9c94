package io.raftkv.raft.core;

import io.raftkv.raft.storage.MemoryRaftLogStorage;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a driver must use {@link RaftNode}, and what the node does on (re)start. */
class RaftNodeContractTest {

    private static RaftConfig config(long id) {
        return RaftConfig.builder(id, new Random(id)).maxInflightBytes(0).maxUncommittedBytes(0).build();
    }

    @Test
    void aBootstrappedNodeHandsOutItsInitialMembershipForApplyingAndWaitsForItBeforeCampaigning() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        Bootstrap.bootstrap(storage, Set.of(1L, 2L, 3L));
        RaftNode n = RaftNode.create(config(1), storage, 0, ConfState.EMPTY);
        for (int i = 0; i < 50; i++) {
            n.tick(); // committed conf changes not yet applied: no campaign
        }
        assertThat(n.status().role()).isEqualTo(SoftState.Role.FOLLOWER);
        Ready rd = n.ready();
        assertThat(rd.committedEntries()).hasSize(3).allMatch(e -> e.type() == Entry.Type.CONF_CHANGE);
        ConfState conf = ConfState.EMPTY;
        for (Entry e : rd.committedEntries()) {
            conf = n.applyConfChange(ConfChange.decode(e.data()));
        }
        assertThat(conf).isEqualTo(ConfState.ofVoters(Set.of(1L, 2L, 3L)));
        n.advance(rd);
        for (int i = 0; i < 20; i++) {
            n.tick();
        }
        assertThat(n.status().role()).isEqualTo(SoftState.Role.PRE_CANDIDATE);
    }

    @Test
    void aRestartedNodeResumesFromPersistedStateAndReplaysUnappliedEntries() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        Bootstrap.bootstrap(storage, Set.of(1L, 2L, 3L));
        storage.append(java.util.List.of(Entry.normal(2, 4, "x".getBytes())));
        storage.setHardState(new HardState(2, 1, 4));
        RaftNode n = RaftNode.create(config(1), storage, 3, ConfState.ofVoters(Set.of(1L, 2L, 3L)));
        RaftNode.Status s = n.status();
        assertThat(s.term()).isEqualTo(2);
        assertThat(s.vote()).isEqualTo(1);
        assertThat(s.commitIndex()).isEqualTo(4);
        assertThat(s.appliedIndex()).isEqualTo(3);
        assertThat(s.confState().voters()).containsExactlyInAnyOrder(1L, 2L, 3L);
        Ready rd = n.ready();
        assertThat(rd.committedEntries()).extracting(Entry::index).containsExactly(4L);
        assertThat(rd.hardState()).isEmpty(); // nothing changed since the restart
        n.advance(rd);
        assertThat(n.hasReady()).isFalse();
    }

    @Test
    void readyMustBeAdvancedBeforeTheNextOne() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        Bootstrap.bootstrap(storage, Set.of(1L));
        RaftNode n = RaftNode.create(config(1), storage, 0, ConfState.EMPTY);
        Ready rd = n.ready();
        assertThatThrownBy(n::ready).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> n.advance(new Ready(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.List.of(), java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), false))).isInstanceOf(IllegalArgumentException.class);
        n.advance(rd);
    }

    @Test
    void leaderStickinessAlsoIgnoresPreVotes() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        long term = net.node(2).status().term();
        net.node(2).step(new Message.VoteRequest(3, 2, term + 1, true, 100, term, false));
        assertThat(net.takeQueued()).noneMatch(m -> m instanceof Message.VoteResponse);
        // Once the leader has been silent for an election timeout, the pre-vote is granted.
        net.isolate(1);
        net.tick(2, 10);
        net.takeQueued();
        net.node(2).step(new Message.VoteRequest(3, 2, term + 1, true, 100, term, false));
        assertThat(net.takeQueued()).filteredOn(m -> m instanceof Message.VoteResponse && m.to() == 3)
                .singleElement().satisfies(m -> assertThat(((Message.VoteResponse) m).granted()).isTrue());
        assertThat(net.node(2).status().term()).isEqualTo(term); // a pre-vote changes no term
    }
}
