package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.KeepAlive;
import io.raftkv.client.KeepAliveListener;
import io.raftkv.client.RaftKvException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lease grant|revoke|timetolive|list|keep-alive}: lease IDs are hexadecimal, as in etcdctl. */
@Command(name = "lease", description = "Lease related commands.",
    subcommands = {LeaseCommand.Grant.class, LeaseCommand.Revoke.class, LeaseCommand.TimeToLive.class,
        LeaseCommand.ListLeases.class, LeaseCommand.KeepAliveCmd.class})
final class LeaseCommand {
  @ParentCommand
  RaftKvCli root;

  /** Parses a hexadecimal lease ID ("0" = no lease). */
  static long parseId(String hex) {
    try {
      return Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
    } catch (NumberFormatException e) {
      throw new ExitCode.InvalidInputException("bad lease ID \"" + hex + "\" (expected hexadecimal)");
    }
  }

  @Command(name = "grant", description = "Creates leases.")
  static final class Grant implements Callable<Integer> {
    @ParentCommand
    LeaseCommand lease;

    @Parameters(index = "0", paramLabel = "ttl", description = "time to live in seconds")
    long ttl;

    @Override
    public Integer call() {
      lease.root.printer().leaseGranted(BlockingClient.await(lease.root.client().lease().grant(ttl)));
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "revoke", description = "Revokes leases.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand
    LeaseCommand lease;

    @Parameters(index = "0", paramLabel = "leaseID")
    String id;

    @Override
    public Integer call() {
      long lid = parseId(id);
      lease.root.printer().leaseRevoked(lid, BlockingClient.await(lease.root.client().lease().revoke(lid)));
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "timetolive", description = "Get lease information.")
  static final class TimeToLive implements Callable<Integer> {
    @ParentCommand
    LeaseCommand lease;

    @Parameters(index = "0", paramLabel = "leaseID")
    String id;

    @Option(names = "--keys", description = "get keys attached to this lease")
    boolean keys;

    @Override
    public Integer call() {
      lease.root.printer().timeToLive(
          BlockingClient.await(lease.root.client().lease().timeToLive(parseId(id), keys)), keys);
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "list", description = "List all active leases.")
  static final class ListLeases implements Callable<Integer> {
    @ParentCommand
    LeaseCommand lease;

    @Override
    public Integer call() {
      lease.root.printer().leases(BlockingClient.await(lease.root.client().lease().leases()));
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "keep-alive", description = "Keeps leases alive (renew) until interrupted.")
  static final class KeepAliveCmd implements Callable<Integer> {
    @ParentCommand
    LeaseCommand lease;

    @Parameters(index = "0", paramLabel = "leaseID")
    String id;

    @Option(names = "--once", description = "resets the keep-alive time to its original value once")
    boolean once;

    @Override
    public Integer call() throws Exception {
      long lid = parseId(id);
      Printer printer = lease.root.printer();
      if (once) {
        printer.keepAlive(lid, BlockingClient.await(lease.root.client().lease().keepAliveOnce(lid)));
        return ExitCode.SUCCESS;
      }
      CompletableFuture<Void> lost = new CompletableFuture<>();
      try (KeepAlive ka = lease.root.client().lease().keepAlive(lid, new KeepAliveListener() {
        @Override
        public void onRenewed(long leaseId, long ttl) {
          printer.keepAlive(leaseId, ttl);
        }

        @Override
        public void onLost(long leaseId, RaftKvException reason) {
          Map<String, Object> j = Json.object();
          j.put("ID", leaseId);
          j.put("TTL", 0);
          printer.line(String.format("lease %016x expired or revoked.", leaseId), j);
          lost.complete(null);
        }
      })) {
        Foreground.await(lost);
      }
      return ExitCode.SUCCESS;
    }
  }
}
