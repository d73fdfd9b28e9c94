package io.raftkv.raft.sim;

import io.raftkv.raft.core.Bootstrap;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The disk model the durability checks rest on: only fsynced writes survive a crash. */
class SimulatedDiskTest {

    private static SimulatedDisk bootstrapped() {
        Bootstrap.InitialLog initial = Bootstrap.initialEntries(Set.of(1L, 2L, 3L));
        return new SimulatedDisk(initial.entries(), initial.hardState());
    }

    @Test
    void writesAreVisibleAtOnceButLostInACrashUntilFsynced() {
        SimulatedDisk disk = bootstrapped();
        disk.append(List.of(Entry.normal(2, 4, new byte[] {1})));
        disk.setHardState(new HardState(2, 1, 3));
        assertThat(disk.live().lastIndex()).isEqualTo(4);
        assertThat(disk.durable().lastIndex()).isEqualTo(3);

        disk.crash();

        assertThat(disk.live().lastIndex()).isEqualTo(3);
        assertThat(disk.live().initialState().hardState()).isEqualTo(new HardState(1, 0, 3));
        assertThat(disk.hasUnsynced()).isFalse();
    }

    @Test
    void anFsyncMakesEveryEarlierWriteDurableInOrder() {
        SimulatedDisk disk = bootstrapped();
        disk.append(List.of(Entry.normal(2, 4, new byte[] {1}), Entry.normal(2, 5, new byte[] {2})));
        disk.append(List.of(Entry.normal(3, 5, new byte[] {3}))); // a conflict truncates 5@2
        disk.setHardState(new HardState(3, 2, 4));
        disk.fsync();
        disk.crash();

        assertThat(disk.live().lastIndex()).isEqualTo(5);
        assertThat(disk.live().term(5)).isEqualTo(3);
        assertThat(disk.live().initialState().hardState()).isEqualTo(new HardState(3, 2, 4));
    }
}
