package io.raftkv.raft.core;

import io.raftkv.raft.storage.RaftLogStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bootstraps a brand-new cluster: every initial member starts with the same log, one
 * {@link ConfChange.Type#ADD_VOTER} entry per member at term 1 (indexes 1..n, in ascending id
 * order), already committed. Applying them gives each node the initial membership; a member
 * added later receives the same entries (or a snapshot holding their effect) from the leader,
 * so the membership always comes from the log.
 *
 * <p>Identical on every initial member, so committing them without an election is safe: no
 * node can hold a different entry at those indexes.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** What to persist on each initial member before creating its node. */
    public record InitialLog(List<Entry> entries, HardState hardState) {
        public InitialLog {
            entries = List.copyOf(entries);
        }
    }

    public static InitialLog initialEntries(Set<Long> voters) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one voter");
        }
        List<Entry> entries = new ArrayList<>();
        long index = 1;
        for (long id : new TreeSet<>(voters)) {
            if (id == 0) {
                throw new IllegalArgumentException("node id must be non-zero");
            }
            ConfChange change = new ConfChange(ConfChange.Type.ADD_VOTER, id, new byte[0]);
            entries.add(new Entry(1, index++, Entry.Type.CONF_CHANGE, change.encode()));
        }
        return new InitialLog(entries, new HardState(1, 0, entries.size()));
    }

    /**
     * Writes the initial log into an empty storage.
     *
     * @throws IllegalStateException if the storage already holds a log or hard state
     */
    public static void bootstrap(RaftLogStorage storage, Set<Long> voters) {
        if (storage.lastIndex() != 0 || !storage.initialState().hardState().isEmpty()) {
            throw new IllegalStateException("storage is not empty: cannot bootstrap it");
        }
        InitialLog initial = initialEntries(voters);
        storage.append(initial.entries());
        storage.setHardState(initial.hardState());
    }
}
