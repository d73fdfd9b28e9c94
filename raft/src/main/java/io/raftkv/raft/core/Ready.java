package io.raftkv.raft.core;

import java.util.List;
import java.util.Optional;

/**
 * One batch of work the core hands to its driver; {@link ReadyProcessor} acts on it in the
 * order below (committed entries already durable locally may be applied before step 2). The
 * order of durability:
 * <ol>
 *   <li>send {@link #messages()} at once (they do not depend on local persistence: a leader's
 *       appends go out while its own fsync runs);</li>
 *   <li>persist {@link #snapshot()}, {@link #entries()} and {@link #hardState()} durably
 *       (fsync if {@link #mustSync()});</li>
 *   <li>only then send {@link #messagesAfterPersist()} (votes and append acknowledgements,
 *       which promise that what they acknowledge is on disk);</li>
 *   <li>apply {@link #committedEntries()} in order, serve {@link #readStates()} once applied
 *       to their index;</li>
 *   <li>call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 */
public record Ready(
        Optional<SoftState> softState,
        Optional<HardState> hardState,
        Optional<Snapshot> snapshot,
        List<Entry> entries,
        List<Message> messages,
        List<Message> messagesAfterPersist,
        List<Entry> committedEntries,
        List<ReadState> readStates,
        boolean mustSync) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
    }

    public boolean isEmpty() {
        return softState.isEmpty() && hardState.isEmpty() && snapshot.isEmpty() && entries.isEmpty()
                && messages.isEmpty() && messagesAfterPersist.isEmpty() && committedEntries.isEmpty()
                && readStates.isEmpty();
    }
}
