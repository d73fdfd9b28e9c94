package io.raftkv.jepsen.runner;

import io.raftkv.jepsen.sut.SystemUnderTest;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code scripts/jepsen}: one long run from the command line. Exit code 0 only when every
 * checker says VALID.
 *
 * <pre>
 * --workload register|register-serializable|set|append|watch|lease   (default register)
 * --nemesis  partition,kill,pause,clock,loss,... (see Nemeses)        (default partition)
 * --nodes 5  --time 300 (s)  --seed S  --sut etcd|raftkv  --clients-per-node 2
 * --out target/jepsen
 * </pre>
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String workload = "register";
    String nemesis = "partition";
    int nodes = 5;
    long time = 300;
    long seed = System.currentTimeMillis();
    String sut = System.getProperty("jepsen.sut", "etcd");
    int clients = 2;
    Path out = Path.of("target", "jepsen");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--workload" -> workload = value;
        case "--nemesis" -> nemesis = value;
        case "--nodes" -> nodes = Integer.parseInt(value);
        case "--time" -> time = Long.parseLong(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--sut" -> sut = value;
        case "--clients-per-node" -> clients = Integer.parseInt(value);
        case "--out" -> out = Path.of(value);
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
      i++;
    }
    TestConfig config = new TestConfig(workload + "-" + nemesis.replace(',', '+'), workload,
        nemesis, nodes, Duration.ofSeconds(time), seed, clients, Duration.ofSeconds(1),
        Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(60), out);
    System.out.println("jepsen: " + config);
    RunResult result = new TestRunner(SystemUnderTest.named(sut)).run(config);
    System.out.println(result.describe());
    System.exit(result.valid() ? 0 : 1);
  }
}
