package io.raftkv.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaseCheckerTest {
  private static Histories leaseWithTtl(int ttl) {
    return new Histories()
        .op(0, 1, 1, "grant", "lease-1", "{\"ttl\":" + ttl + "}", "{\"id\":7}")
        .op(1, 2, 1, "attach", "lease-1", "null", "null");
  }

  private static final String GONE = "{\"present\":false}";
  private static final String PRESENT = "{\"present\":true}";

  @Test
  void expiryAfterTheTtlIsValid() {
    CheckResult r = new LeaseChecker().check(leaseWithTtl(3)
        .op(2, 3, 1, "keepalive", "lease-1", "null", "{\"ttl\":3}")
        .op(4, 5, 1, "read", "lease-1", "null", PRESENT)
        .op(6, 7, 1, "read", "lease-1", "null", GONE)
        .op(8, 9, 1, "ttl", "lease-1", "null", "{\"ttl\":-1}")
        .invoke(9, 1, "keepalive", "lease-1", "null").fail(10, 1)
        .build());
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
    assertThat(r.stats()).containsEntry("expired", 1L);
  }

  @Test
  void keyGoneBeforeTheTtlIsEarlyExpiry() {
    CheckResult r = new LeaseChecker().check(leaseWithTtl(10)
        .op(2, 3, 1, "keepalive", "lease-1", "null", "{\"ttl\":10}")
        .op(5, 6, 1, "read", "lease-1", "null", GONE)
        .build());
    assertThat(r.anomalies()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo("expired-early");
      assertThat(a.operations()).extracting(o -> o.f()).containsExactly("keepalive", "read");
    });
  }

  @Test
  void leaseAliveAfterItsKeysAreGoneIsRejected() {
    CheckResult r = new LeaseChecker().check(leaseWithTtl(1)
        .op(5, 6, 1, "read", "lease-1", "null", GONE)
        .op(7, 8, 2, "ttl", "lease-1", "null", "{\"ttl\":1}")
        .build());
    assertThat(r.anomalies()).extracting(Anomaly::kind).containsExactly("alive-after-keys-gone");
  }

  @Test
  void concurrentKeepaliveDoesNotCountAsAfter() {
    // A keepalive invoked before the read completed may have happened before expiry... only
    // if the TTL had run out by the read's completion; here it had (invoke 2 + ttl 1 < 6).
    CheckResult r = new LeaseChecker().check(leaseWithTtl(1)
        .invoke(2, 2, "keepalive", "lease-1", "null")
        .op(5, 6, 1, "read", "lease-1", "null", GONE)
        .ok(6.5, 2, "{\"ttl\":1}")
        .build());
    assertThat(r.verdict()).as(r.describe()).isEqualTo(Verdict.VALID);
  }
}
