package io.raftkv.storage.mvcc;

import io.raftkv.proto.mvcc.Event;
import java.util.List;

/**
 * The outcome of one applied batch: a result per entry (in entry order), the watch events
 * of the batch in revision order (each with prev_kv set when the key existed before), and
 * the store revision and applied index after the batch.
 */
public record ApplyBatchResult(List<ApplyResult> results, List<Event> events, long revision, long appliedIndex) {
    public ApplyBatchResult {
        results = List.copyOf(results);
        events = List.copyOf(events);
    }
}
