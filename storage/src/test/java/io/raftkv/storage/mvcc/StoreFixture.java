package io.raftkv.storage.mvcc;

import com.google.protobuf.Message;
import io.raftkv.proto.internal.InternalRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An open store plus a log index counter: apply requests one entry (or one batch) at a time. */
final class StoreFixture implements AutoCloseable {
    final MvccStore store;
    long nextIndex;
    final List<io.raftkv.proto.mvcc.Event> events = new ArrayList<>();

    StoreFixture(Path dir) {
        this(MvccStore.open(dir, MvccOptions.defaults()));
    }

    StoreFixture(MvccStore store) {
        this.store = store;
        this.nextIndex = store.state().appliedIndex() + 1;
    }

    ApplyResult applyResult(InternalRequest request) {
        return batch(List.of(request)).results().get(0);
    }

    /** Applies one request and returns its response, or throws its etcd error. */
    @SuppressWarnings("unchecked")
    <T extends Message> T apply(InternalRequest request) {
        ApplyResult result = applyResult(request);
        if (result instanceof ApplyResult.Rejected rejected) {
            throw rejected.error();
        }
        return (T) ((ApplyResult.Applied) result).response();
    }

    ApplyBatchResult batch(List<InternalRequest> requests) {
        List<CommittedCommand> commands = new ArrayList<>();
        for (InternalRequest request : requests) {
            commands.add(new CommittedCommand.Request(nextIndex++, 1, request));
        }
        ApplyBatchResult result = store.applyBatch(commands);
        events.addAll(result.events());
        return result;
    }

    @Override
    public void close() {
        store.close();
    }
}
