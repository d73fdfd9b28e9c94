package io.raftkv.jepsen;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.testcontainers.DockerClientFactory;

/**
 * Container tests run when a Docker engine answers and skip otherwise, so `mvn verify` on a
 * machine without Docker runs only the checker tests. With {@code -Djepsen.requireDocker=true}
 * (what CI should pass) a missing engine is a failure, never a silent skip.
 */
public final class DockerRequirement {
  private DockerRequirement() {}

  public static void assumeDocker() {
    boolean available;
    try {
      available = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      available = false;
    }
    if (!available && Boolean.getBoolean("jepsen.requireDocker")) {
      fail("no Docker engine answers and -Djepsen.requireDocker=true; run scripts/docker-engine");
    }
    assumeTrue(available, "no Docker engine: container tests skipped (scripts/docker-engine starts one)");
  }
}
