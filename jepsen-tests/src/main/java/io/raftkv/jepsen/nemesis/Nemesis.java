package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import java.util.Random;

/**
 * A kind of fault. {@link #inject} starts it (choices drawn from the seeded random) and says
 * what it did; {@link #heal} undoes whatever this nemesis may have done, on every node, and
 * is safe to call at any time, any number of times.
 */
public interface Nemesis {
  String name();

  String inject(Cluster cluster, Random random);

  void heal(Cluster cluster);

  /**
   * Whether this nemesis needs nodes whose kill loses un-fsynced writes
   * ({@link io.raftkv.jepsen.sut.SystemUnderTest#losingUnsyncedWritesOnCrash}).
   */
  default boolean needsUnsyncedWritesLostOnCrash() {
    return false;
  }
}
