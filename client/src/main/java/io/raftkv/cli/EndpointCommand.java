package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.EndpointStatus;
import io.raftkv.client.MaintenanceClient;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code endpoint status|health|hashkv [--cluster]}: each endpoint is asked on its own
 * connection, without failover, so the answer is that member's; {@code --cluster} asks every
 * member found by a member list.
 */
@Command(name = "endpoint", description = "Endpoint related commands.",
    subcommands = {EndpointCommand.Status.class, EndpointCommand.Health.class, EndpointCommand.HashKv.class})
final class EndpointCommand {
  @ParentCommand
  RaftKvCli root;

  @Option(names = "--cluster", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "use all endpoints from the cluster member list")
  boolean cluster;

  List<String> targets() {
    return cluster ? MemberCommand.clusterEndpoints(root) : root.endpoints();
  }

  @Command(name = "status", description = "Prints out the status of endpoints specified in --endpoints.")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    EndpointCommand endpoint;

    @Override
    public Integer call() {
      List<EndpointStatus> all = new ArrayList<>();
      RaftKvException firstError = null;
      MaintenanceClient m = endpoint.root.client().maintenance();
      for (String ep : endpoint.targets()) {
        try {
          all.add(BlockingClient.await(m.status(ep)));
        } catch (RaftKvException e) {
          endpoint.root.err().println("Failed to get the status of endpoint " + e.getMessage());
          endpoint.root.err().flush();
          firstError = firstError == null ? e : firstError;
        }
      }
      endpoint.root.printer().endpointStatus(all);
      if (firstError != null) {
        throw firstError;
      }
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "health", description = "Checks the healthiness of endpoints specified in --endpoints.")
  static final class Health implements Callable<Integer> {
    @ParentCommand
    EndpointCommand endpoint;

    @Override
    public Integer call() {
      List<Printer.Health> all = new ArrayList<>();
      MaintenanceClient m = endpoint.root.client().maintenance();
      boolean healthy = true;
      for (String ep : endpoint.targets()) {
        String hp = ep.replaceFirst("^https?://", "");
        try {
          var took = BlockingClient.await(m.health(hp));
          all.add(new Printer.Health(ep, true, String.format("%.6fms", took.toNanos() / 1e6), ""));
        } catch (RaftKvException e) {
          healthy = false;
          all.add(new Printer.Health(ep, false, "", e.reason()));
        }
      }
      endpoint.root.printer().endpointHealth(all);
      if (!healthy) {
        throw new ExitCode.CheckFailedException("unhealthy cluster");
      }
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "hashkv", description = "Prints the KV history hash for each endpoint in --endpoints.")
  static final class HashKv implements Callable<Integer> {
    @ParentCommand
    EndpointCommand endpoint;

    @Option(names = "--rev", description = "maximum revision to hash (default: all revisions)")
    long rev;

    @Override
    public Integer call() {
      RaftKvClient c = endpoint.root.client();
      for (String ep : endpoint.targets()) {
        endpoint.root.printer().hashKv(ep, BlockingClient.await(c.maintenance().hashKv(ep, rev)));
      }
      return ExitCode.SUCCESS;
    }
  }
}
