package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Clock faults through libfaketime: the supervisor starts the node with LD_PRELOAD and
 * FAKETIME_TIMESTAMP_FILE, and this nemesis rewrites the offset in that file. Skew sets a
 * fixed offset on some nodes; strobe flips a node between two offsets every 100-300 ms until
 * healed. It changes what libc's clock calls return: a JVM follows it, Go programs (etcd)
 * read the clock through the vDSO without libc and do not.
 */
public final class ClockNemesis implements Nemesis {
  private final boolean strobe;
  private volatile Thread strober;

  public ClockNemesis(boolean strobe) {
    this.strobe = strobe;
  }

  @Override
  public String name() {
    return strobe ? "clock-strobe" : "clock-skew";
  }

  @Override
  public String inject(Cluster cluster, Random random) {
    List<Node> nodes = new ArrayList<>(cluster.nodes());
    Collections.shuffle(nodes, random);
    List<Node> victims = nodes.subList(0, 1 + random.nextInt(cluster.majority()));
    if (!strobe) {
      StringBuilder s = new StringBuilder("skew");
      for (Node n : victims) {
        long offset = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(60));
        n.ctl("clock", (offset >= 0 ? "+" : "") + offset + "s");
        s.append(' ').append(n.name()).append(offset >= 0 ? " +" : " ").append(offset).append('s');
      }
      return s.toString();
    }
    long offset = 5 + random.nextInt(30);
    long seed = random.nextLong();
    Thread t = new Thread(() -> {
      Random local = new Random(seed);
      boolean skewed = false;
      while (!Thread.currentThread().isInterrupted()) {
        skewed = !skewed;
        for (Node n : victims) {
          n.execAllowingFailure("/bin/sh", "/jepsen/ctl", "clock", skewed ? "+" + offset + "s"
              : "+0");
        }
        try {
          Thread.sleep(100 + local.nextInt(200));
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "clock-strobe");
    t.setDaemon(true);
    t.start();
    strober = t;
    return "strobe " + victims + " between +0 and +" + offset + "s";
  }

  @Override
  public void heal(Cluster cluster) {
    Thread t = strober;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      strober = null;
    }
    cluster.nodes().forEach(n -> n.execAllowingFailure("/bin/sh", "/jepsen/ctl", "clock", "+0"));
  }
}
