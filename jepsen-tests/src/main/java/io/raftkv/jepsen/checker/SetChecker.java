package io.raftkv.jepsen.checker;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks set and append histories. Each add/append op carries a unique integer element for a
 * key; reads return the key's elements as a JSON array. Final reads (op {@code final-read},
 * one per node after healing) decide what survived:
 * <ul>
 *   <li>lost: an acknowledged (OK) element missing from a final read;
 *   <li>duplicated: an element twice in one read;
 *   <li>invented: an element no op ever tried to add (or one whose add definitely FAILED);
 *   <li>divergent: final reads from different nodes disagree;
 *   <li>for append ({@code ordered}): every read is a prefix of the final read, since
 *       elements are only ever appended.
 * </ul>
 */
public final class SetChecker {
  private final String addF;
  private final boolean ordered;

  private SetChecker(String addF, boolean ordered) {
    this.addF = addF;
    this.ordered = ordered;
  }

  public static SetChecker set() {
    return new SetChecker("add", false);
  }

  public static SetChecker append() {
    return new SetChecker("append", true);
  }

  public CheckResult check(History history) {
    Map<String, List<Operation>> byKey = new LinkedHashMap<>();
    for (Operation op : history.operations()) {
      if (op.f().equals(addF) || op.f().equals("read") || op.f().equals("final-read")) {
        byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<Anomaly> anomalies = new ArrayList<>();
    Verdict verdict = Verdict.VALID;
    long acknowledged = 0;
    long lost = 0;
    for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
      KeyCounts c = checkKey(e.getKey(), e.getValue(), anomalies);
      verdict = verdict.and(c.verdict);
      acknowledged += c.acknowledged;
      lost += c.lost;
    }
    String name = ordered ? "append" : "set";
    String summary = verdict == Verdict.VALID
        ? acknowledged + " acknowledged elements on " + byKey.size() + " keys all present"
        : anomalies.size() + " anomalies (" + lost + " of " + acknowledged
            + " acknowledged elements lost)";
    return new CheckResult(name, verdict, summary, anomalies,
        Map.of("keys", (long) byKey.size(), "acknowledged", acknowledged, "lost", lost));
  }

  private record KeyCounts(Verdict verdict, long acknowledged, long lost) {}

  private KeyCounts checkKey(String key, List<Operation> ops, List<Anomaly> anomalies) {
    Map<Long, Operation> okAdds = new HashMap<>();
    Map<Long, Operation> maybeAdds = new HashMap<>();
    Map<Long, Operation> failedAdds = new HashMap<>();
    List<Operation> reads = new ArrayList<>();
    List<Operation> finals = new ArrayList<>();
    for (Operation op : ops) {
      if (op.f().equals(addF)) {
        long element = op.argument().asLong();
        (switch (op.outcome()) {
          case OK -> okAdds;
          case INFO -> maybeAdds;
          default -> failedAdds;
        }).put(element, op);
      } else if (op.outcome() == OpType.OK) {
        (op.f().equals("final-read") ? finals : reads).add(op);
      }
    }
    int before = anomalies.size();
    if (finals.isEmpty()) {
      anomalies.add(Anomaly.of("no-final-read", key,
          "no node answered a final read, so survival cannot be decided", List.of()));
      return new KeyCounts(Verdict.UNKNOWN, okAdds.size(), 0);
    }
    Operation reference = finals.get(0);
    List<Long> finalElements = elements(reference.result());
    for (Operation other : finals.subList(1, finals.size())) {
      if (!elementsMatch(elements(other.result()), finalElements)) {
        anomalies.add(Anomaly.of("divergent", key,
            "final reads from different nodes disagree", List.of(reference, other)));
      }
    }
    List<Operation> allReads = new ArrayList<>(reads);
    allReads.addAll(finals);
    for (Operation read : allReads) {
      List<Long> seen = elements(read.result());
      Set<Long> distinct = new HashSet<>();
      for (long element : seen) {
        if (!distinct.add(element)) {
          anomalies.add(Anomaly.of("duplicated", key, "element " + element
              + " appears more than once", List.of(read)));
        }
        if (!okAdds.containsKey(element) && !maybeAdds.containsKey(element)) {
          Operation failed = failedAdds.get(element);
          anomalies.add(Anomaly.of("invented", key, "element " + element
              + (failed != null ? " was read although its add definitely failed"
                  : " was read but never added"),
              failed != null ? List.of(failed, read) : List.of(read)));
        }
      }
      if (ordered && read != reference && !isPrefix(seen, finalElements)) {
        anomalies.add(Anomaly.of("not-a-prefix", key, "read " + seen
            + " is not a prefix of the final " + finalElements, List.of(read, reference)));
      }
    }
    Set<Long> present = new HashSet<>(finalElements);
    long lost = 0;
    for (Map.Entry<Long, Operation> add : okAdds.entrySet()) {
      if (!present.contains(add.getKey())) {
        lost++;
        if (lost <= 10) {
          anomalies.add(Anomaly.of("lost", key, "acknowledged element " + add.getKey()
              + " is missing from the final read", List.of(add.getValue(), reference)));
        }
      }
    }
    return new KeyCounts(anomalies.size() > before ? Verdict.INVALID : Verdict.VALID,
        okAdds.size(), lost);
  }

  private boolean elementsMatch(List<Long> a, List<Long> b) {
    return ordered ? a.equals(b) : new HashSet<>(a).equals(new HashSet<>(b)) && a.size() == b.size();
  }

  private static boolean isPrefix(List<Long> prefix, List<Long> whole) {
    return prefix.size() <= whole.size() && whole.subList(0, prefix.size()).equals(prefix);
  }

  static List<Long> elements(JsonNode array) {
    List<Long> result = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> result.add(n.asLong()));
    }
    return result;
  }
}
