package io.raftkv.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.jepsen.history.History;
import io.raftkv.jepsen.history.HistoryFile;
import io.raftkv.jepsen.history.Operation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearizabilityCheckerTest {
  private final LinearizabilityChecker<OptionalLong> checker = LinearizabilityChecker.register();

  private CheckResult check(Histories h) {
    return checker.check(h.build(), op -> true);
  }

  private static List<String> named(CheckResult r) {
    return r.anomalies().stream().flatMap(a -> a.operations().stream())
        .map(Operation::describe).toList();
  }

  @Test
  void sequentialHistoryIsLinearizable() {
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "read", "x", "null", "null")
        .op(2, 3, 1, "write", "x", "1", "null")
        .op(4, 5, 2, "read", "x", "null", "1")
        .op(6, 7, 2, "cas", "x", "[1,2]", "null")
        .op(8, 9, 1, "read", "x", "null", "2"));
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
  }

  @Test
  void concurrentReadMaySeeEitherValue() {
    // The write of 2 overlaps both reads; one sees the old value, one the new: linearizable
    // because the second read begins after the first ends, and 1 -> 2 is the only order.
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .invoke(2, 1, "write", "x", "2")
        .op(3, 4, 2, "read", "x", "null", "1")
        .op(5, 6, 3, "read", "x", "null", "2")
        .ok(7, 1));
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
  }

  @Test
  void staleReadIsRejectedAndTheReadIsNamed() {
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .op(2, 3, 1, "write", "x", "2", "null")
        .op(4, 5, 2, "read", "x", "null", "1"));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo("nonlinearizable");
      assertThat(a.key()).isEqualTo("x");
      assertThat(a.explanation()).contains("read x").contains("could only be 2");
    });
    assertThat(named(r)).anySatisfy(s -> assertThat(s).contains("read x").contains("ok 1")
        .doesNotContain("write"));
    assertThat(named(r)).anySatisfy(s -> assertThat(s).contains("write x 2"));
  }

  @Test
  void lostWriteIsRejected() {
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "7", "null")
        .op(2, 3, 2, "read", "x", "null", "null"));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies().get(0).explanation()).contains("could only be 7");
    assertThat(named(r)).anySatisfy(s -> assertThat(s).contains("write x 7"));
  }

  @Test
  void splitBrainDoubleCasIsRejectedNamingBothCas() {
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "0", "null")
        .invoke(2, 1, "cas", "x", "[0,1]")
        .invoke(3, 2, "cas", "x", "[0,2]")
        .ok(5, 1)
        .ok(6, 2)
        .op(7, 8, 3, "read", "x", "null", "2"));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(named(r)).anySatisfy(s -> assertThat(s).contains("cas x [0,1]"))
        .anySatisfy(s -> assertThat(s).contains("cas x [0,2]"));
  }

  @Test
  void indeterminateWriteMayTakeEffectLater() {
    // The write of 2 timed out, yet a read long after observes it: allowed.
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .invoke(2, 2, "write", "x", "2").info(3, 2)
        .op(4, 5, 3, "read", "x", "null", "1")
        .op(10, 11, 3, "read", "x", "null", "2"));
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
  }

  @Test
  void indeterminateWriteMayNeverTakeEffect() {
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .invoke(2, 2, "write", "x", "2").info(3, 2)
        .op(4, 5, 3, "read", "x", "null", "1"));
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
  }

  @Test
  void indeterminateWriteCannotTakeEffectBeforeItWasInvoked() {
    CheckResult r = check(new Histories()
        .op(0, 1, 2, "read", "x", "null", "2")
        .invoke(2, 2, "write", "x", "2").info(3, 2));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void indeterminateWriteTakesEffectAtMostOnce() {
    // 2 (info) then 3 then 2 again: the info write cannot be applied twice.
    CheckResult r = check(new Histories()
        .invoke(0, 1, "write", "x", "2").info(1, 1)
        .op(2, 3, 2, "read", "x", "null", "2")
        .op(4, 5, 2, "write", "x", "3", "null")
        .op(6, 7, 2, "read", "x", "null", "2"));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void identicalIndeterminateWritesCanEachTakeEffectOnce() {
    // Two timed-out writes of 2: the register can become 2 twice, but not three times.
    Histories twice = new Histories()
        .invoke(0, 1, "write", "x", "2").info(1, 1)
        .invoke(0, 2, "write", "x", "2").info(1, 2)
        .op(2, 3, 3, "read", "x", "null", "2")
        .op(4, 5, 3, "write", "x", "3", "null")
        .op(6, 7, 3, "read", "x", "null", "2");
    assertThat(check(twice).verdict()).isEqualTo(Verdict.VALID);
    CheckResult thrice = check(twice
        .op(8, 9, 3, "write", "x", "3", "null")
        .op(10, 11, 3, "read", "x", "null", "2"));
    assertThat(thrice.verdict()).as(thrice.describe()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void manyIdenticalIndeterminateWritesDoNotExhaustTheSearch() {
    // 60 timed-out writes of five values (as a partition produces), then reads that walk the
    // register through 3 → 1 → 4 and a last read no write can explain. Without symmetry
    // reduction the search explores subsets of the 60 pending writes and runs out of budget.
    Histories h = new Histories();
    for (int p = 0; p < 60; p++) {
      h.invoke(0, p, "write", "x", Integer.toString(p % 5));
    }
    for (int p = 0; p < 60; p++) {
      h.info(1, p);
    }
    h.op(2, 3, 100, "read", "x", "null", "3")
        .op(4, 5, 100, "read", "x", "null", "1")
        .op(6, 7, 100, "read", "x", "null", "4");
    LinearizabilityChecker<OptionalLong> small = new LinearizabilityChecker<>(
        new RegisterModel(), 1000, Duration.ofSeconds(10), 50_000);
    CheckResult valid = small.check(h.build(), op -> true);
    assertThat(valid.verdict()).as(valid.describe()).isEqualTo(Verdict.VALID);
    CheckResult invalid = small.check(h.op(8, 9, 100, "read", "x", "null", "7").build(),
        op -> true);
    assertThat(invalid.verdict()).as(invalid.describe()).isEqualTo(Verdict.INVALID);
  }

  @Test
  void failedCasHasNoEffect() {
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .invoke(2, 1, "cas", "x", "[5,6]").fail(3, 1)
        .op(4, 5, 2, "read", "x", "null", "1"));
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
  }

  @Test
  void keysAreCheckedIndependently() {
    CheckResult r = check(new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .op(0, 1, 2, "write", "y", "1", "null")
        .op(2, 3, 1, "read", "x", "null", "1")
        .op(2, 3, 2, "read", "y", "null", "null"));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies()).singleElement().extracting(Anomaly::key).isEqualTo("y");
    assertThat(r.stats()).containsEntry("keys", 2L);
  }

  @Test
  void tooManyOpsPerKeyIsUnknownNotValid() {
    LinearizabilityChecker<OptionalLong> small = new LinearizabilityChecker<>(
        new RegisterModel(), 2, Duration.ofSeconds(10), 1000);
    CheckResult r = small.check(new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .op(2, 3, 1, "write", "x", "2", "null")
        .op(4, 5, 1, "read", "x", "null", "2").build(), op -> true);
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.valid()).isFalse();
  }

  @Test
  void exhaustedSearchIsUnknown() {
    // Many concurrent indeterminate writes followed by an impossible read force a search
    // larger than a tiny cache budget allows.
    Histories h = new Histories();
    for (int p = 0; p < 14; p++) {
      h.invoke(0, p, "write", "x", Integer.toString(p));
    }
    for (int p = 0; p < 14; p++) {
      h.info(1, p);
    }
    h.op(2, 3, 100, "read", "x", "null", "99");
    LinearizabilityChecker<OptionalLong> small = new LinearizabilityChecker<>(
        new RegisterModel(), 100, Duration.ofSeconds(10), 500);
    assertThat(small.check(h.build(), op -> true).verdict()).isEqualTo(Verdict.UNKNOWN);
  }

  @Test
  void largeConcurrentLinearizableHistoryIsAcceptedQuickly() {
    // A simulated atomic register under 5 concurrent processes: every op takes effect just
    // after its invocation (effects in invocation order), and its window stretches randomly
    // beyond that, so the history is linearizable by construction yet heavily concurrent.
    Random random = new Random(42);
    Histories h = new Histories();
    long value = -1;
    record Pending(int process, double end, String result) {}
    List<Pending> pending = new ArrayList<>();
    double t = 0;
    for (int i = 0; i < 2000; i++) {
      int p = i % 5;
      double start = t;
      double end = start + 2 * random.nextDouble();
      t += 0.3;
      // Complete this process's previous op first (it ended in the past in our timeline).
      int process = p;
      pending.removeIf(q -> {
        if (q.process == process) {
          h.ok(Math.min(q.end, start - 1e-6), q.process, q.result);
          return true;
        }
        return false;
      });
      int kind = random.nextInt(3);
      String f = kind == 0 ? "read" : kind == 1 || value < 0 ? "write" : "cas";
      String arg;
      String result = "null";
      long next = random.nextInt(5);
      if (f.equals("read")) {
        arg = "null";
        result = value < 0 ? "null" : Long.toString(value);
      } else if (f.equals("write")) {
        arg = Long.toString(next);
        value = next;
      } else {
        arg = "[" + value + "," + next + "]";
        value = next;
      }
      h.invoke(start, p, f, "x", arg);
      pending.add(new Pending(p, end, result));
    }
    pending.forEach(q -> h.ok(q.end + 1000, q.process, q.result));
    CheckResult r = check(h);
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
  }

  @Test
  void checksAHistoryReadFromDisk(@TempDir Path dir) {
    History original = new Histories()
        .op(0, 1, 1, "write", "x", "1", "null")
        .op(2, 3, 2, "read", "x", "null", "1").build();
    Path file = dir.resolve("history.jsonl");
    HistoryFile.write(original, file);
    History read = HistoryFile.read(file);
    assertThat(read.ops()).isEqualTo(original.ops());
    assertThat(checker.check(read, op -> true).verdict()).isEqualTo(Verdict.VALID);
  }
}
