package io.raftkv.server.transport;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where snapshot files live on this node: the ones the local state machine packed for sending,
 * and the ones received from a leader. A snapshot is named by the id the core carries in
 * {@code Snapshot.data}.
 */
public interface SnapshotStore {

    /** The packed file of a local snapshot, ready to stream to a follower. */
    Path outgoing(String snapshotId) throws IOException;

    /** Where a snapshot being received is written (a partial file while in progress). */
    Path incomingPart(String snapshotId);

    /** Where a completely received and verified snapshot is moved to. */
    Path incomingComplete(String snapshotId);
}
