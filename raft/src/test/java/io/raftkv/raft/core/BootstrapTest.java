package io.raftkv.raft.core;

import io.raftkv.raft.storage.LogCompactedException;
import io.raftkv.raft.storage.MemoryRaftLogStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapTest {

    @Test
    void initialEntriesAreOneCommittedAddVoterPerMemberInIdOrder() {
        Bootstrap.InitialLog log = Bootstrap.initialEntries(Set.of(3L, 1L, 2L));
        assertThat(log.entries()).extracting(Entry::index).containsExactly(1L, 2L, 3L);
        assertThat(log.entries()).allSatisfy(e -> {
            assertThat(e.term()).isEqualTo(1);
            assertThat(e.type()).isEqualTo(Entry.Type.CONF_CHANGE);
        });
        assertThat(log.entries()).extracting(e -> ConfChange.decode(e.data()).nodeId()).containsExactly(1L, 2L, 3L);
        assertThat(log.hardState()).isEqualTo(new HardState(1, 0, 3));
    }

    @Test
    void bootstrapRefusesANonEmptyStorage() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        Bootstrap.bootstrap(storage, Set.of(1L));
        assertThat(storage.lastIndex()).isEqualTo(1);
        assertThatThrownBy(() -> Bootstrap.bootstrap(storage, Set.of(1L))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void memoryStorageCopyIsIndependentOfLaterWrites() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        storage.append(List.of(Entry.normal(1, 1, new byte[1]), Entry.normal(1, 2, new byte[1])));
        MemoryRaftLogStorage crashed = storage.copy();
        storage.append(List.of(Entry.normal(2, 2, new byte[1]), Entry.normal(2, 3, new byte[1])));
        storage.setHardState(new HardState(2, 1, 2));
        assertThat(crashed.lastIndex()).isEqualTo(2);
        assertThat(crashed.term(2)).isEqualTo(1);
        assertThat(crashed.initialState().hardState()).isEqualTo(HardState.EMPTY);
        assertThat(storage.term(2)).isEqualTo(2);
    }

    @Test
    void memoryStorageCompactsAndAppliesSnapshots() {
        MemoryRaftLogStorage storage = new MemoryRaftLogStorage();
        storage.append(List.of(Entry.normal(1, 1, new byte[10]), Entry.normal(1, 2, new byte[10]),
                Entry.normal(2, 3, new byte[10])));
        storage.compact(new Snapshot(new SnapshotMetadata(2, 1, ConfState.ofVoters(Set.of(1L))), new byte[0]));
        assertThat(storage.firstIndex()).isEqualTo(3);
        assertThat(storage.term(2)).isEqualTo(1);
        assertThatThrownBy(() -> storage.term(1)).isInstanceOf(LogCompactedException.class);
        assertThatThrownBy(() -> storage.entries(2, 4, Long.MAX_VALUE)).isInstanceOf(LogCompactedException.class);
        assertThat(storage.entries(3, 4, 0)).hasSize(1);
        storage.applySnapshot(new Snapshot(new SnapshotMetadata(10, 3, ConfState.ofVoters(Set.of(1L))), new byte[0]));
        assertThat(storage.firstIndex()).isEqualTo(11);
        assertThat(storage.lastIndex()).isEqualTo(10);
        assertThat(storage.term(10)).isEqualTo(3);
        assertThat(storage.initialState().confState().voters()).containsExactly(1L);
    }
}
