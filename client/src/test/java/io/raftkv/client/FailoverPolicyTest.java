package io.raftkv.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which failures each kind of call may be repeated after: the rule the SDK's javadoc states. */
class FailoverPolicyTest {
  private static final Throwable REFUSED = Status.UNAVAILABLE.withDescription("io exception")
      .withCause(new ConnectException("Connection refused: /127.0.0.1:1")).asRuntimeException();
  private static final Throwable CONNECTION_LOST = Status.UNAVAILABLE.withDescription("Connection closed after GOAWAY")
      .asRuntimeException();
  private static final Throwable CLOSED_UNDER_THE_CALL = Status.UNKNOWN.withDescription("channel closed")
      .withCause(new java.nio.channels.ClosedChannelException()).asRuntimeException();
  private static final Throwable NO_LEADER = Status.UNAVAILABLE.withDescription("etcdserver: no leader")
      .asRuntimeException();
  private static final Throwable COMPACTED = Status.OUT_OF_RANGE
      .withDescription("etcdserver: mvcc: required revision has been compacted").asRuntimeException();

  @Test
  void readsAreRepeatedAfterAnyUnavailableFailure() {
    assertThat(Failover.retryable(Idempotency.READ, REFUSED)).isTrue();
    assertThat(Failover.retryable(Idempotency.READ, CONNECTION_LOST)).isTrue();
    assertThat(Failover.retryable(Idempotency.READ, NO_LEADER)).isTrue();
    assertThat(Failover.retryable(Idempotency.IDEMPOTENT, CONNECTION_LOST)).isTrue();
    assertThat(Failover.retryable(Idempotency.READ, CLOSED_UNDER_THE_CALL)).isTrue();
  }

  @Test
  void writesAreRepeatedOnlyWhenTheyNeverLeftTheClient() {
    assertThat(Failover.retryable(Idempotency.MUTATION, REFUSED)).isTrue();
    assertThat(Failover.retryable(Idempotency.MUTATION, CONNECTION_LOST)).isFalse();
    assertThat(Failover.retryable(Idempotency.MUTATION, NO_LEADER)).isFalse();
    assertThat(Failover.retryable(Idempotency.MUTATION, CLOSED_UNDER_THE_CALL)).isFalse();
  }

  @Test
  void refusalsOtherThanUnavailableAreNeverRepeated() {
    assertThat(Failover.retryable(Idempotency.READ, COMPACTED)).isFalse();
    assertThat(ErrorMapping.map(COMPACTED, "e:1")).isInstanceOf(RaftKvException.CompactedException.class)
        .hasMessage("e:1: etcdserver: mvcc: required revision has been compacted");
    assertThat(ErrorMapping.map(REFUSED, "e:1")).isInstanceOf(RaftKvException.UnavailableException.class)
        .hasMessage("e:1: connection refused");
    assertThat(ErrorMapping.map(NO_LEADER, "e:1")).isInstanceOf(RaftKvException.NoLeaderException.class);
  }
}
