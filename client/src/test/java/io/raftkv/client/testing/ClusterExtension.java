package io.raftkv.client.testing;

import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a cluster (of the kind {@link TestClusterFactory#selected()}) before a test class and
 * stops it after; before each test, restarts any member a previous test killed. Use as
 * {@code @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(3);}.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final int members;
  private Path dir;
  private TestCluster cluster;

  public ClusterExtension(int members) {
    this.members = members;
  }

  public TestCluster cluster() {
    return cluster;
  }

  /** A client of every member, with short timeouts fit for tests. */
  public RaftKvClient newClient() {
    return RaftKvClient.builder()
        .endpoints(cluster.endpoints())
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(10))
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
        .build();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("raftkv-client-test-");
    cluster = TestClusterFactory.selected().start(members, dir);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.isRunning(i)) {
        cluster.restart(i);
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    if (dir != null) {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    }
  }
}
