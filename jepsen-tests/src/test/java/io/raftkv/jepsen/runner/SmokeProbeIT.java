package io.raftkv.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.jepsen.DockerRequirement;
import io.raftkv.jepsen.sut.SystemUnderTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeProbeIT {
  @Test
  void registerWithPartitions() {
    DockerRequirement.assumeDocker();
    RunResult r = new TestRunner(SystemUnderTest.fromSystemProperties()).run(
        TestConfig.smoke("probe", System.getProperty("probe.workload", "register"),
            System.getProperty("probe.nemesis", "partition"), Duration.ofSeconds(20), 1));
    System.out.println(r.describe());
    assertThat(r.completedOperations()).isGreaterThan(10);
  }
}
