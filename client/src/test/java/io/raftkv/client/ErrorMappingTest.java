package io.raftkv.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {

  @Test
  void aConnectionClosedUnderTheCallIsAnUnknownOutcomeLikeUnavailable() {
    Status closed = Status.UNKNOWN.withDescription("channel closed").withCause(new ClosedChannelException());
    assertThat(ErrorMapping.map(closed.asRuntimeException(), "127.0.0.1:2379"))
        .isInstanceOf(RaftKvException.UnavailableException.class)
        .hasMessageContaining("connection closed");
  }

  @Test
  void anyOtherUnknownStatusIsTheServersError() {
    Status other = Status.UNKNOWN.withDescription("something odd");
    assertThat(ErrorMapping.map(other.asRuntimeException(), "127.0.0.1:2379"))
        .isInstanceOf(RaftKvException.ServerException.class)
        .hasMessageContaining("something odd");
  }
}
