package io.raftkv.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchCheckerTest {
  private static final String E2 = "{\"revision\":2,\"key\":\"w/a\",\"value\":\"1\"}";
  private static final String E3 = "{\"revision\":3,\"key\":\"w/b\",\"value\":\"2\"}";
  private static final String E4 = "{\"revision\":4,\"key\":\"w/a\",\"value\":\"3\"}";
  private static final String FROM2 = "{\"fromRevision\":2}";

  private static Histories writes() {
    return new Histories()
        .op(0, 1, 1, "put", "w/a", "\"1\"", "{\"revision\":2}")
        .op(1, 2, 1, "put", "w/b", "\"2\"", "{\"revision\":3}")
        .op(2, 3, 1, "put", "w/a", "\"3\"", "{\"revision\":4}");
  }

  @Test
  void identicalCompleteSequencesAreValid() {
    CheckResult r = new WatchChecker().check(writes()
        .op(0, 9, 100, "watch", "", FROM2, "[" + E2 + "," + E3 + "," + E4 + "]")
        .op(0, 9, 101, "watch", "", "{\"fromRevision\":3}", "[" + E3 + "," + E4 + "]")
        .op(9, 10, 200, "final-history", "", FROM2, "[" + E2 + "," + E3 + "," + E4 + "]")
        .build());
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
    assertThat(r.stats()).containsEntry("watchers", 2L).containsEntry("acknowledged", 3L);
  }

  @Test
  void gapDuplicateAndLaggingWatchersAreRejected() {
    CheckResult r = new WatchChecker().check(writes()
        .op(0, 9, 100, "watch", "", FROM2, "[" + E2 + "," + E4 + "]")
        .op(0, 9, 101, "watch", "", FROM2, "[" + E2 + "," + E3 + "," + E3 + "," + E4 + "]")
        .op(0, 9, 102, "watch", "", FROM2, "[" + E2 + "]")
        .op(9, 10, 200, "final-history", "", FROM2, "[" + E2 + "," + E3 + "," + E4 + "]")
        .build());
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.anomalies()).extracting(Anomaly::kind)
        .containsExactlyInAnyOrder("gap", "duplicate", "gap");
    assertThat(r.anomalies().get(0).explanation()).contains("watcher 100 skipped r3");
  }

  @Test
  void acknowledgedPutMissingFromTheHistoryIsALostWrite() {
    CheckResult r = new WatchChecker().check(writes()
        .op(0, 9, 100, "watch", "", FROM2, "[" + E2 + "," + E3 + "]")
        .op(9, 10, 200, "final-history", "", FROM2, "[" + E2 + "," + E3 + "]")
        .build());
    assertThat(r.anomalies()).extracting(Anomaly::kind).containsExactly("lost-write");
  }
}
