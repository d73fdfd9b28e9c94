package io.raftkv.client.testing;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Starts clusters of one kind. The kind is chosen with the system property
 * {@code raftkv.test.cluster} (default {@code etcd}); other kinds (the RaftKV server) register
 * through {@link ServiceLoader} on the test classpath.
 */
public interface TestClusterFactory {
  String PROPERTY = "raftkv.test.cluster";

  String kind();

  TestCluster start(int members, Path workDir) throws Exception;

  static TestClusterFactory selected() {
    String kind = System.getProperty(PROPERTY, "etcd");
    if (kind.equals("etcd")) {
      return new EtcdCluster.Factory();
    }
    for (TestClusterFactory f : ServiceLoader.load(TestClusterFactory.class)) {
      if (f.kind().equals(kind)) {
        return f;
      }
    }
    throw new IllegalStateException("no test cluster of kind '" + kind + "' (-D" + PROPERTY + ")");
  }
}
