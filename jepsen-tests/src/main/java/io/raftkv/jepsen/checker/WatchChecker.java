package io.raftkv.jepsen.checker;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks watch histories. Ops:
 * <ul>
 *   <li>{@code put} key v: OK completion value {@code {"revision": r}};
 *   <li>{@code watch} (one per watcher, process = watcher): argument
 *       {@code {"fromRevision": r}}, OK completion value: the events the watcher received,
 *       across all its resumptions, as {@code [{"revision","key","value","type"}...]};
 *   <li>{@code final-history}: the events since the first watcher's start revision, read by
 *       a fresh watch after healing: the authoritative sequence.
 * </ul>
 * Each watcher must have seen exactly the authoritative events from its start revision on, in
 * order, with no gap and no duplicate (so every watcher sees the same sequence), and every
 * acknowledged put must be in the authoritative history at its acknowledged revision.
 */
public final class WatchChecker {

  /** One watch event. */
  public record Event(long revision, String key, String value, String type) {
    static Event of(JsonNode n) {
      return new Event(n.path("revision").asLong(), n.path("key").asText(),
          n.path("value").asText(), n.path("type").asText("PUT"));
    }

    @Override
    public String toString() {
      return "r" + revision + " " + type + " " + key + "=" + value;
    }
  }

  public CheckResult check(History history) {
    List<Anomaly> anomalies = new ArrayList<>();
    List<Operation> ops = history.operations();
    Operation reference = ops.stream()
        .filter(o -> o.f().equals("final-history") && o.outcome() == OpType.OK)
        .reduce((a, b) -> b).orElse(null);
    if (reference == null) {
      return new CheckResult("watch", Verdict.UNKNOWN, "no final history was read",
          List.of(Anomaly.of("no-final-history", "", "no final history was read", List.of())),
          Map.of());
    }
    List<Event> truth = events(reference.result());
    checkOrdered("final history", truth, reference, anomalies);
    Map<Long, Event> truthByRevision = new HashMap<>();
    truth.forEach(e -> truthByRevision.put(e.revision(), e));

    long acknowledged = 0;
    for (Operation put : ops) {
      if (put.f().equals("put") && put.outcome() == OpType.OK) {
        acknowledged++;
        long revision = put.completion().value().path("revision").asLong();
        Event seen = truthByRevision.get(revision);
        if (seen == null || !seen.key().equals(put.key())
            || !seen.value().equals(put.argument().asText())) {
          anomalies.add(Anomaly.of("lost-write", put.key(), "put acknowledged at revision "
              + revision + " but the final history has " + seen, List.of(put, reference)));
        }
      }
    }

    Map<Integer, List<Event>> watchers = new LinkedHashMap<>();
    for (Operation watch : ops) {
      if (!watch.f().equals("watch") || watch.outcome() != OpType.OK) {
        continue;
      }
      long from = watch.argument().path("fromRevision").asLong();
      List<Event> seen = events(watch.result());
      watchers.put(watch.process(), seen);
      if (!checkOrdered("watcher " + watch.process(), seen, watch, anomalies)) {
        continue;
      }
      List<Event> expected = truth.stream().filter(e -> e.revision() >= from).toList();
      int i = 0;
      for (; i < Math.min(seen.size(), expected.size()); i++) {
        if (!seen.get(i).equals(expected.get(i))) {
          boolean gap = seen.get(i).revision() > expected.get(i).revision();
          anomalies.add(Anomaly.of(gap ? "gap" : "mismatch", "", "watcher " + watch.process()
              + (gap ? " skipped " + expected.get(i) + " (next it saw " + seen.get(i) + ")"
                  : " saw " + seen.get(i) + " where the history has " + expected.get(i)),
              List.of(watch, reference)));
          break;
        }
      }
      if (i == Math.min(seen.size(), expected.size())) {
        if (seen.size() < expected.size()) {
          anomalies.add(Anomaly.of("gap", "", "watcher " + watch.process() + " stopped at "
              + (seen.isEmpty() ? "nothing" : seen.get(seen.size() - 1)) + " and missed "
              + (expected.size() - seen.size()) + " events from " + expected.get(seen.size()),
              List.of(watch, reference)));
        } else if (seen.size() > expected.size()) {
          anomalies.add(Anomaly.of("invented", "", "watcher " + watch.process() + " saw "
              + seen.get(expected.size()) + " that is not in the final history",
              List.of(watch, reference)));
        }
      }
    }
    if (watchers.isEmpty()) {
      anomalies.add(Anomaly.of("no-watchers", "", "no watcher reported its events", List.of()));
      return new CheckResult("watch", Verdict.UNKNOWN, "no watcher reported", anomalies, Map.of());
    }
    Verdict verdict = anomalies.isEmpty() ? Verdict.VALID : Verdict.INVALID;
    String summary = verdict == Verdict.VALID
        ? watchers.size() + " watchers saw the same " + truth.size() + " events; "
            + acknowledged + " acknowledged puts present"
        : anomalies.size() + " anomalies";
    return new CheckResult("watch", verdict, summary, anomalies, Map.of(
        "watchers", (long) watchers.size(), "events", (long) truth.size(),
        "acknowledged", acknowledged));
  }

  /** Revisions strictly increase (per key within one revision): no duplicate, no reordering. */
  private static boolean checkOrdered(String who, List<Event> events, Operation source,
      List<Anomaly> anomalies) {
    for (int i = 1; i < events.size(); i++) {
      Event a = events.get(i - 1);
      Event b = events.get(i);
      boolean ordered = a.revision() < b.revision()
          || (a.revision() == b.revision() && a.key().compareTo(b.key()) < 0);
      if (!ordered) {
        anomalies.add(Anomaly.of(Objects.equals(a, b) ? "duplicate" : "out-of-order", "",
            who + " saw " + a + " then " + b, List.of(source)));
        return false;
      }
    }
    return true;
  }

  static List<Event> events(JsonNode array) {
    List<Event> result = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> result.add(Event.of(n)));
    }
    return result;
  }
}
