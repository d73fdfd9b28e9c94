package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.EndpointStatus;
import io.raftkv.client.Header;
import io.raftkv.client.MaintenanceClient;
import io.raftkv.client.RaftKvException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** defrag, alarm list|disarm, move-leader. */
final class MaintenanceCommands {
  private MaintenanceCommands() {}

  @Command(name = "defrag", description = "Defragments the storage of the members with given endpoints.")
  static final class Defrag implements Callable<Integer> {
    @ParentCommand
    RaftKvCli root;

    @Option(names = "--cluster", description = "use all endpoints from the cluster member list")
    boolean cluster;

    @Override
    public Integer call() {
      List<String> targets = cluster ? MemberCommand.clusterEndpoints(root) : root.endpoints();
      RaftKvException failed = null;
      for (String ep : targets) {
        try {
          Header h = BlockingClient.await(root.client().maintenance().defragment(ep));
          Map<String, Object> j = Json.object();
          j.put("endpoint", ep);
          j.put("header", Printer.header(h));
          root.printer().line("Finished defragmenting etcd member[" + ep + "]", j);
        } catch (RaftKvException e) {
          root.err().println("Failed to defragment etcd member[" + ep + "] (" + e.reason() + ")");
          root.err().flush();
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "alarm", description = "Alarm related commands.",
      subcommands = {AlarmCommand.ListAlarms.class, AlarmCommand.Disarm.class})
  static final class AlarmCommand {
    @ParentCommand
    RaftKvCli root;

    @Command(name = "list", description = "Lists all alarms.")
    static final class ListAlarms implements Callable<Integer> {
      @ParentCommand
      AlarmCommand alarm;

      @Override
      public Integer call() {
        alarm.root.printer().alarms(BlockingClient.await(alarm.root.client().maintenance().alarms()));
        return ExitCode.SUCCESS;
      }
    }

    @Command(name = "disarm", description = "Disarms all alarms.")
    static final class Disarm implements Callable<Integer> {
      @ParentCommand
      AlarmCommand alarm;

      @Override
      public Integer call() {
        MaintenanceClient m = alarm.root.client().maintenance();
        List<MaintenanceClient.Alarm> raised = BlockingClient.await(m.alarms());
        for (MaintenanceClient.Alarm a : raised) {
          BlockingClient.await(m.disarm(a));
        }
        alarm.root.printer().alarms(raised);
        return ExitCode.SUCCESS;
      }
    }
  }

  @Command(name = "move-leader", description = "Transfers leadership to another etcd cluster member.")
  static final class MoveLeader implements Callable<Integer> {
    @ParentCommand
    RaftKvCli root;

    @Parameters(index = "0", paramLabel = "transferee-member-id", description = "hexadecimal member ID")
    String target;

    @Override
    public Integer call() {
      long to = MemberCommand.parseId(target);
      MaintenanceClient m = root.client().maintenance();
      String leaderEp = BlockingClient.await(m.findLeaderEndpoint());
      EndpointStatus leader = BlockingClient.await(m.status(leaderEp));
      Header h = BlockingClient.await(m.moveLeader(to));
      Map<String, Object> j = Json.object();
      j.put("header", Printer.header(h));
      root.printer().line(String.format("Leadership transferred from %x to %x", leader.memberId(), to), j);
      return ExitCode.SUCCESS;
    }
  }
}
