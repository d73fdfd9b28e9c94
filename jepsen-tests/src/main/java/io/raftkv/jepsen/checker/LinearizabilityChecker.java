package io.raftkv.jepsen.checker;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.OpType;
import io.raftkv.jepsen.history.Operation;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Wing & Gong's linearizability search with Lowe's memoisation, run independently per key.
 *
 * <p>The history becomes a doubly linked list of call and return entries in time order. The
 * search repeatedly picks a pending call whose op can be applied to the model, lifts it (and
 * its return) out of the list, and backtracks when it meets the return of an op it has not
 * linearized. Every (set of linearized ops, model state) configuration already explored is
 * cached, so each is expanded once. Indeterminate ops get their return at infinity: they can
 * be linearized anywhere after their invocation, and "never" is the same as "after every
 * determinate op", so the search succeeds once every OK op is linearized.
 *
 * <p>Symmetry: indeterminate ops with the same function and argument (with values 0..4 there are
 * many) are interchangeable once invoked, so they are linearized only in invocation order: an op
 * is skipped while an earlier identical one is still unlinearized. Any linearization that picks
 * the later one can swap the two, so no history is rejected for it, and the search no longer
 * explores every subset of identical pending writes.
 *
 * <p>Bounds: more than {@code maxOpsPerKey} relevant ops on a key, a search longer than the
 * time limit, or more than {@code maxCachedConfigurations} configurations yield UNKNOWN.
 */
public final class LinearizabilityChecker<S> {
  private final Model<S> model;
  private final int maxOpsPerKey;
  private final Duration timeLimitPerKey;
  private final long maxCachedConfigurations;

  public LinearizabilityChecker(Model<S> model, int maxOpsPerKey, Duration timeLimitPerKey,
      long maxCachedConfigurations) {
    this.model = model;
    this.maxOpsPerKey = maxOpsPerKey;
    this.timeLimitPerKey = timeLimitPerKey;
    this.maxCachedConfigurations = maxCachedConfigurations;
  }

  public static LinearizabilityChecker<OptionalLong> register() {
    return new LinearizabilityChecker<>(new RegisterModel(), 20_000, Duration.ofSeconds(60),
        5_000_000);
  }

  /** Checks every key whose ops match {@code isRegisterOp}. */
  public CheckResult check(History history, Predicate<Operation> isRegisterOp) {
    Map<String, List<Operation>> byKey = new LinkedHashMap<>();
    for (Operation op : history.operations(isRegisterOp)) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    Verdict verdict = Verdict.VALID;
    List<Anomaly> anomalies = new ArrayList<>();
    Map<String, Long> stats = new HashMap<>();
    long configurations = 0;
    for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
      KeyResult r = checkKey(e.getKey(), e.getValue());
      verdict = verdict.and(r.verdict);
      r.anomaly.ifPresent(anomalies::add);
      configurations += r.configurations;
    }
    stats.put("keys", (long) byKey.size());
    stats.put("operations", byKey.values().stream().mapToLong(List::size).sum());
    stats.put("configurations", configurations);
    String summary = switch (verdict) {
      case VALID -> byKey.size() + " keys linearizable";
      case INVALID -> anomalies.stream().filter(a -> a.kind().equals("nonlinearizable")).count()
          + " of " + byKey.size() + " keys not linearizable";
      case UNKNOWN -> "search budget exhausted on " + anomalies.size() + " keys";
    };
    return new CheckResult("linearizable-register", verdict, summary, anomalies, stats);
  }

  /** The outcome for one key. */
  public record KeyResult(Verdict verdict, Optional<Anomaly> anomaly, long configurations) {}

  /** Runs the search on the ops of one key. */
  public KeyResult checkKey(String key, List<Operation> ops) {
    List<Operation> relevant = ops.stream().filter(model::matters).toList();
    if (relevant.size() > maxOpsPerKey) {
      return new KeyResult(Verdict.UNKNOWN, Optional.of(Anomaly.of("unknown", key,
          relevant.size() + " ops exceed the limit of " + maxOpsPerKey + " ops per key",
          List.of())), 0);
    }
    return new Search(key, relevant).run();
  }

  /** A node of the linked list: the call or the return of one op. */
  private static final class Entry {
    final int id;
    final boolean call;
    final Operation op;
    Entry match;
    Entry prev;
    Entry next;

    Entry(int id, boolean call, Operation op) {
      this.id = id;
      this.call = call;
      this.op = op;
    }
  }

  private record Configuration<S>(BitSet linearizedDeterminate, S state) {}

  /**
   * Configurations already explored, with subsumption: (determinate ops D, indeterminate ops I,
   * state S) is covered by an explored (D, I', S) with I' a subset of I. Indeterminate ops have
   * no return to wait for, so every continuation from (D, I, S) also works from (D, I', S): if
   * that one was explored without success, so would this one be. This keeps timed-out writes from
   * multiplying the search by the ways of using them up.
   */
  private static final class ExploredConfigurations<S> {
    private final BitSet indeterminate;
    private final Map<Configuration<S>, List<BitSet>> explored = new HashMap<>();
    private long size;

    ExploredConfigurations(BitSet indeterminate) {
      this.indeterminate = indeterminate;
    }

    /** Records the configuration; false if it (or one that covers it) was already explored. */
    boolean add(BitSet linearized, S state) {
      BitSet determinate = (BitSet) linearized.clone();
      determinate.andNot(indeterminate);
      BitSet used = (BitSet) linearized.clone();
      used.and(indeterminate);
      List<BitSet> usages = explored.computeIfAbsent(new Configuration<>(determinate, state),
          k -> new ArrayList<>(1));
      for (BitSet earlier : usages) {
        BitSet notInUsed = (BitSet) earlier.clone();
        notInUsed.andNot(used);
        if (notInUsed.isEmpty()) {
          return false;
        }
      }
      usages.add(used);
      size++;
      return true;
    }

    long size() {
      return size;
    }
  }

  private record Frame<S>(Entry call, S stateBefore) {}

  private final class Search {
    private final String key;
    private final List<Operation> ops;
    private final Entry head = new Entry(-1, false, null);
    private final int determinate;
    /** For an indeterminate op: the latest earlier-invoked indeterminate op identical to it, or -1. */
    private final int[] earlierTwin;

    // The deepest point reached, to explain a failure.
    private int bestDepth = -1;
    private List<Operation> bestPrefix = List.of();
    private Operation bestBlocked;
    private final Set<String> bestStates = new LinkedHashSet<>();

    Search(String key, List<Operation> ops) {
      this.key = key;
      this.ops = ops;
      List<Entry> entries = new ArrayList<>(ops.size() * 2);
      for (int i = 0; i < ops.size(); i++) {
        Entry call = new Entry(i, true, ops.get(i));
        Entry ret = new Entry(i, false, ops.get(i));
        call.match = ret;
        ret.match = call;
        entries.add(call);
        entries.add(ret);
      }
      // At equal times calls come first: treating touching ops as concurrent never rejects a
      // linearizable history.
      entries.sort(Comparator.comparingLong((Entry e) -> e.call ? e.op.invokeTime()
              : e.op.completeTime())
          .thenComparing(e -> !e.call));
      Entry last = head;
      for (Entry e : entries) {
        last.next = e;
        e.prev = last;
        last = e;
      }
      this.determinate = (int) ops.stream().filter(o -> o.outcome() == OpType.OK).count();
      this.earlierTwin = new int[ops.size()];
      java.util.Arrays.fill(earlierTwin, -1);
      Map<String, Integer> lastBySignature = new HashMap<>();
      for (Entry e = head.next; e != null; e = e.next) {
        if (e.call && e.op.outcome() == OpType.INFO) {
          Integer previous = lastBySignature.put(e.op.f() + " " + e.op.argument(), e.id);
          earlierTwin[e.id] = previous == null ? -1 : previous;
        }
      }
    }

    /** Whether an identical indeterminate op invoked earlier is still waiting to be linearized. */
    private boolean twinGoesFirst(Entry call, BitSet linearized) {
      int twin = earlierTwin[call.id];
      return twin >= 0 && !linearized.get(twin);
    }

    KeyResult run() {
      long deadline = System.nanoTime() + timeLimitPerKey.toNanos();
      BitSet indeterminate = new BitSet(ops.size());
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i).outcome() != OpType.OK) {
          indeterminate.set(i);
        }
      }
      ExploredConfigurations<S> cache = new ExploredConfigurations<>(indeterminate);
      Deque<Frame<S>> stack = new ArrayDeque<>();
      BitSet linearized = new BitSet(ops.size());
      int linearizedDeterminate = 0;
      S state = model.initial();
      Entry entry = head.next;
      long steps = 0;
      while (linearizedDeterminate < determinate) {
        if ((++steps & 1023) == 0 && System.nanoTime() > deadline) {
          return unknown("search exceeded the time limit of " + timeLimitPerKey.toSeconds()
              + " s", cache.size());
        }
        if (cache.size() > maxCachedConfigurations) {
          return unknown("search exceeded " + maxCachedConfigurations + " configurations",
              cache.size());
        }
        if (entry.call && twinGoesFirst(entry, linearized)) {
          entry = entry.next;
        } else if (entry.call) {
          Optional<S> next = model.step(state, entry.op);
          if (next.isPresent()) {
            BitSet after = (BitSet) linearized.clone();
            after.set(entry.id);
            if (cache.add(after, next.get())) {
              stack.push(new Frame<>(entry, state));
              state = next.get();
              linearized = after;
              if (entry.op.outcome() == OpType.OK) {
                linearizedDeterminate++;
              }
              lift(entry);
              entry = head.next;
              continue;
            }
          }
          entry = entry.next;
        } else {
          // The return of an op we have not linearized: everything before it is exhausted.
          noteBlocked(stack, entry.op, state);
          if (stack.isEmpty()) {
            return new KeyResult(Verdict.INVALID, Optional.of(explain()), cache.size());
          }
          Frame<S> top = stack.pop();
          state = top.stateBefore;
          linearized = (BitSet) linearized.clone();
          linearized.clear(top.call.id);
          if (top.call.op.outcome() == OpType.OK) {
            linearizedDeterminate--;
          }
          unlift(top.call);
          entry = top.call.next;
        }
      }
      return new KeyResult(Verdict.VALID, Optional.empty(), cache.size());
    }

    private KeyResult unknown(String why, long configurations) {
      return new KeyResult(Verdict.UNKNOWN,
          Optional.of(Anomaly.of("unknown", key, why + " (" + ops.size() + " ops)", List.of())),
          configurations);
    }

    private void lift(Entry call) {
      call.prev.next = call.next;
      call.next.prev = call.prev;
      Entry ret = call.match;
      ret.prev.next = ret.next;
      if (ret.next != null) {
        ret.next.prev = ret.prev;
      }
    }

    private void unlift(Entry call) {
      Entry ret = call.match;
      ret.prev.next = ret;
      if (ret.next != null) {
        ret.next.prev = ret;
      }
      call.prev.next = call;
      call.next.prev = call;
    }

    private void noteBlocked(Deque<Frame<S>> stack, Operation blocked, S state) {
      if (stack.size() > bestDepth) {
        bestDepth = stack.size();
        List<Operation> prefix = new ArrayList<>();
        stack.descendingIterator().forEachRemaining(f -> prefix.add(f.call.op));
        bestPrefix = prefix;
        bestBlocked = blocked;
        bestStates.clear();
      }
      if (stack.size() == bestDepth && blocked == bestBlocked) {
        bestStates.add(model.show(state));
      }
    }

    /**
     * Names the op that could not be linearized at the deepest point the search reached, the
     * states the register could have been in there, and the ops that led to those states or
     * ran concurrently with it: together they show the violation.
     */
    private Anomaly explain() {
      Operation blocked = bestBlocked;
      List<Operation> involved = new ArrayList<>();
      // The last few linearized ops that ended before or overlapped the blocked op.
      int from = Math.max(0, bestPrefix.size() - 3);
      for (Operation op : bestPrefix.subList(from, bestPrefix.size())) {
        involved.add(op);
      }
      for (Operation op : ops) {
        boolean concurrent = op.invokeTime() < blocked.completeTime()
            && op.completeTime() > blocked.invokeTime();
        if (concurrent && op != blocked && !involved.contains(op) && involved.size() < 8) {
          involved.add(op);
        }
      }
      involved.add(blocked);
      involved.sort(Comparator.comparingLong(Operation::invokeTime));
      String explanation = "cannot linearize " + blocked.describe() + " after " + bestDepth
          + " earlier ops; the register could only be " + String.join(" or ", bestStates)
          + " then";
      return Anomaly.of("nonlinearizable", key, explanation, involved);
    }
  }
}
