package io.raftkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A wrong or dead endpoint is one clear line and the right exit code, never a stack trace. */
class CliEndpointErrorsTest {

  @Test
  void aPortThatIsNotANumberIsInvalidInput() {
    CliRun run = CliRun.run(Map.of(), "", "--endpoints", "127.0.0.1:notaport", "get", "x");
    assertThat(run.exitCode).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(run.err()).isEqualTo("Error: endpoint 127.0.0.1:notaport: the port must be a number from 1 to 65535\n");
  }

  @Test
  void aDeadEndpointIsUnreachable() {
    CliRun run = CliRun.run(Map.of(), "", "--endpoints", "127.0.0.1:1", "get", "x");
    assertThat(run.exitCode).isEqualTo(ExitCode.BAD_CONNECTION);
    assertThat(run.err()).isEqualTo("Error: 127.0.0.1:1: connection refused\n");
  }
}
