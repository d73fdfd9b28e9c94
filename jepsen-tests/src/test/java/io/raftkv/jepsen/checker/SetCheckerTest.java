package io.raftkv.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SetCheckerTest {

  @Test
  void acknowledgedAndIndeterminateElementsSurvive() {
    CheckResult r = SetChecker.append().check(new Histories()
        .op(0, 1, 1, "append", "k", "1", "null")
        .invoke(1, 2, "append", "k", "2").info(2, 2)
        .op(2, 3, 1, "read", "k", "null", "[1]")
        .op(3, 4, 1, "append", "k", "3", "null")
        .op(9, 10, 10, "final-read", "k", "null", "[1,3]")
        .op(9, 10, 11, "final-read", "k", "null", "[1,3]")
        .build());
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
    assertThat(r.stats()).containsEntry("acknowledged", 2L);
  }

  @Test
  void lostElementIsNamed() {
    CheckResult r = SetChecker.append().check(new Histories()
        .op(0, 1, 1, "append", "k", "1", "null")
        .op(2, 3, 2, "append", "k", "2", "null")
        .op(9, 10, 10, "final-read", "k", "null", "[1]")
        .build());
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo("lost");
      assertThat(a.explanation()).contains("element 2");
      assertThat(a.operations().get(0).describe()).contains("append k 2");
    });
    assertThat(r.stats()).containsEntry("lost", 1L);
  }

  @Test
  void duplicatesInventionsAndFailedAddsAreRejected() {
    CheckResult r = SetChecker.set().check(new Histories()
        .op(0, 1, 1, "add", "k", "1", "null")
        .invoke(1, 2, "add", "k", "2").fail(2, 2)
        .op(9, 10, 10, "final-read", "k", "null", "[1,1,2,7]")
        .build());
    assertThat(r.anomalies()).extracting(Anomaly::kind)
        .containsExactlyInAnyOrder("duplicated", "invented", "invented");
    assertThat(r.anomalies()).anySatisfy(a -> assertThat(a.explanation())
        .contains("element 2 was read although its add definitely failed"));
  }

  @Test
  void divergentFinalReadsAreRejected() {
    CheckResult r = SetChecker.set().check(new Histories()
        .op(0, 1, 1, "add", "k", "1", "null")
        .invoke(1, 2, "add", "k", "2").info(2, 2)
        .op(9, 10, 10, "final-read", "k", "null", "[1]")
        .op(9, 10, 11, "final-read", "k", "null", "[1,2]")
        .build());
    assertThat(r.anomalies()).extracting(Anomaly::kind).containsExactly("divergent");
  }

  @Test
  void appendReadsMustBePrefixesOfTheFinalRead() {
    CheckResult r = SetChecker.append().check(new Histories()
        .op(0, 1, 1, "append", "k", "1", "null")
        .op(0, 1, 2, "append", "k", "2", "null")
        .op(2, 3, 1, "read", "k", "null", "[2]")
        .op(9, 10, 10, "final-read", "k", "null", "[1,2]")
        .build());
    assertThat(r.anomalies()).extracting(Anomaly::kind).containsExactly("not-a-prefix");
    // A set does not care about order.
    assertThat(SetChecker.set().check(new Histories()
        .op(0, 1, 1, "add", "k", "1", "null")
        .op(0, 1, 2, "add", "k", "2", "null")
        .op(2, 3, 1, "read", "k", "null", "[2]")
        .op(9, 10, 10, "final-read", "k", "null", "[2,1]")
        .build()).verdict()).isEqualTo(Verdict.VALID);
  }

  @Test
  void noFinalReadIsUnknown() {
    CheckResult r = SetChecker.set().check(new Histories()
        .op(0, 1, 1, "add", "k", "1", "null").build());
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
  }
}
