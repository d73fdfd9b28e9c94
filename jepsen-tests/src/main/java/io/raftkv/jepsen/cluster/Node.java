package io.raftkv.jepsen.cluster;

import io.raftkv.jepsen.sut.SystemUnderTest;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;

/** One node container: its name (network alias), its address on the cluster network, control. */
public final class Node {
  private final String name;
  private final GenericContainer<?> container;
  private final String networkName;

  Node(String name, GenericContainer<?> container, String networkName) {
    this.name = name;
    this.container = container;
    this.networkName = networkName;
  }

  public String name() {
    return name;
  }

  /** The node's IP on the cluster network (what peers see as the source address). */
  public String ip() {
    return container.getContainerInfo().getNetworkSettings().getNetworks().get(networkName)
        .getIpAddress();
  }

  /** The endpoint a client in the test JVM uses. */
  public String clientEndpoint() {
    return "http://localhost:" + container.getMappedPort(SystemUnderTest.CLIENT_PORT);
  }

  /** Runs a command in the container; fails loudly if it exits non-zero. */
  public String exec(String... command) {
    ExecResult r = execAllowingFailure(command);
    if (r.getExitCode() != 0) {
      throw new IllegalStateException(name + ": " + String.join(" ", command) + " exited "
          + r.getExitCode() + ": " + r.getStderr() + r.getStdout());
    }
    return r.getStdout();
  }

  public ExecResult execAllowingFailure(String... command) {
    try {
      return container.execInContainer(command);
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot exec " + Arrays.toString(command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + ": interrupted exec", e);
    }
  }

  /** The supervisor's control script (kill, start, pause, resume, clock). */
  public void ctl(String... args) {
    String[] command = new String[args.length + 2];
    command[0] = "/bin/sh";
    command[1] = "/jepsen/ctl";
    System.arraycopy(args, 0, command, 2, args.length);
    exec(command);
  }

  /**
   * Kills the node and keeps it down until {@link #release}; unlike {@code ctl kill}, other
   * nemeses' heals ({@code ctl start}) do not bring it back.
   */
  public void hold() {
    ctl("hold");
  }

  public void release() {
    ctl("release");
  }

  /** Deletes the node's data directory (it must be down). */
  public void wipeData() {
    exec("rm", "-rf", "/data/" + name);
  }

  /** Runs the node with this command line from its next start on. */
  public void runWith(List<String> command) {
    String[] args = new String[command.size() + 1];
    args[0] = "command";
    for (int i = 0; i < command.size(); i++) {
      args[i + 1] = command.get(i);
    }
    ctl(args);
  }

  /** The node's own log, for reports when something goes wrong. */
  public String log() {
    return execAllowingFailure("/bin/sh", "-c", "tail -n 200 /data/node.log").getStdout();
  }

  GenericContainer<?> container() {
    return container;
  }

  @Override
  public String toString() {
    return name;
  }
}
