package io.raftkv.jepsen.runner;

import io.raftkv.jepsen.sut.SystemUnderTest;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code scripts/jepsen}: one long run from the command line. Exit code 0 only when every
 * checker says VALID; 2 for a bad argument.
 */
public final class Main {
  static final String USAGE = String.join("\n",
      "Usage: scripts/jepsen [--workload W] [--nemesis N[,N...]] [--nodes 5] [--time 300] [--seed S]",
      "                      [--sut raftkv|etcd] [--clients-per-node 2] [--out DIR]",
      "                      [--dist DIR] [--bug stale-reads|unsynced-log]",
      "  --workload  register|register-serializable|set|append|watch|lease (default register)",
      "  --nemesis   partition,kill,crash,pause,clock,loss,member,... (default partition)",
      "  --sut       the system under test: raftkv (default) or etcd 3.4 (the reference)",
      "  --time      seconds of workload (default 300); --seed replays a run");

  private Main() {}

  public static void main(String[] args) {
    String workload = "register";
    String nemesis = "partition";
    int nodes = 5;
    long time = 300;
    long seed = System.currentTimeMillis();
    String sut = SystemUnderTest.nameFromSystemProperties();
    int clients = 2;
    Path out = Path.of("target", "jepsen");
    try {
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("-h") || args[i].equals("--help")) {
          System.out.println(USAGE);
          return;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        String value = args[++i];
        switch (args[i - 1]) {
          case "--workload" -> workload = value;
          case "--nemesis" -> nemesis = value;
          case "--nodes" -> nodes = number(args[i - 1], value);
          case "--time" -> time = number(args[i - 1], value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--sut" -> sut = value;
          case "--clients-per-node" -> clients = number(args[i - 1], value);
          case "--out" -> out = Path.of(value);
          default -> throw new IllegalArgumentException("unknown argument " + args[i - 1]);
        }
      }
    } catch (IllegalArgumentException e) { // NumberFormatException too
      System.err.println("jepsen: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    SystemUnderTest system;
    try {
      system = SystemUnderTest.named(sut);
    } catch (IllegalArgumentException e) {
      System.err.println("jepsen: " + e.getMessage());
      System.exit(2);
      return;
    }
    TestConfig config = new TestConfig(workload + "-" + nemesis.replace(',', '+'), workload,
        nemesis, nodes, Duration.ofSeconds(time), seed, clients, Duration.ofSeconds(1),
        Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(60), out);
    System.out.println("jepsen: " + config);
    RunResult result = new TestRunner(system).run(config);
    System.out.println(result.describe());
    System.exit(result.valid() ? 0 : 1);
  }

  private static int number(String flag, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " needs a positive number, not '" + value + "'");
  }
}
