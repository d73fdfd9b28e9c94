package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.ClusterClient;
import io.raftkv.client.Member;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code member list|add|remove|update|promote}: member IDs are hexadecimal, as in etcdctl. */
@Command(name = "member", description = "Membership related commands.",
    subcommands = {MemberCommand.ListMembers.class, MemberCommand.Add.class, MemberCommand.Remove.class,
        MemberCommand.Update.class, MemberCommand.Promote.class})
final class MemberCommand {
  @ParentCommand
  RaftKvCli root;

  static long parseId(String hex) {
    try {
      return Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new ExitCode.InvalidInputException("bad member ID arg (strconv.ParseUint: parsing \"" + hex
          + "\": invalid syntax), expecting ID in Hex");
    }
  }

  private static Map<String, Object> json(ClusterClient.Members m) {
    Map<String, Object> j = Json.object();
    j.put("header", Printer.header(m.header()));
    return j;
  }

  @Command(name = "list", description = "Lists all members in the cluster.")
  static final class ListMembers implements Callable<Integer> {
    @ParentCommand
    MemberCommand member;

    @Override
    public Integer call() {
      ClusterClient.Members m = BlockingClient.await(member.root.client().cluster().list());
      member.root.printer().members(m.header(), m.members());
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "add", description = "Adds a member into the cluster.")
  static final class Add implements Callable<Integer> {
    @ParentCommand
    MemberCommand member;

    @Parameters(index = "0", paramLabel = "memberName")
    String name;

    @Option(names = "--peer-urls", required = true, split = ",", description = "comma separated peer URLs for the new member")
    List<String> peerUrls;

    @Option(names = "--learner", description = "indicates if the new member is raft learner")
    boolean learner;

    @Override
    public Integer call() {
      ClusterClient.MemberAdded r = BlockingClient.await(member.root.client().cluster().add(peerUrls, learner));
      String kind = learner ? "Member %x added to cluster %x as learner" : "Member %x added to cluster %x";
      StringBuilder sb = new StringBuilder(String.format(kind, r.member().id(), r.header().clusterId()));
      // Like etcdctl: the environment the new member must start with.
      String cluster = r.members().stream()
          .flatMap(m -> m.peerUrls().stream().map(u -> (m.id() == r.member().id() ? name : m.name()) + "=" + u))
          .collect(Collectors.joining(","));
      sb.append("\n\nETCD_NAME=\"").append(name).append("\"")
          .append("\nETCD_INITIAL_CLUSTER=\"").append(cluster).append("\"")
          .append("\nETCD_INITIAL_ADVERTISE_PEER_URLS=\"").append(String.join(",", peerUrls)).append("\"")
          .append("\nETCD_INITIAL_CLUSTER_STATE=\"existing\"");
      Map<String, Object> j = Json.object();
      j.put("header", Printer.header(r.header()));
      Map<String, Object> mj = Json.object();
      mj.put("ID", Long.toUnsignedString(r.member().id()));
      mj.put("peerURLs", r.member().peerUrls());
      if (learner) {
        mj.put("isLearner", true);
      }
      j.put("member", mj);
      member.root.printer().line(sb.toString(), j);
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "remove", description = "Removes a member from the cluster.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand
    MemberCommand member;

    @Parameters(index = "0", paramLabel = "memberID")
    String id;

    @Override
    public Integer call() {
      long mid = parseId(id);
      ClusterClient.Members m = BlockingClient.await(member.root.client().cluster().remove(mid));
      member.root.printer().line(String.format("Member %x removed from cluster %x", mid, m.header().clusterId()), json(m));
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "update", description = "Updates a member's peer URLs in the cluster.")
  static final class Update implements Callable<Integer> {
    @ParentCommand
    MemberCommand member;

    @Parameters(index = "0", paramLabel = "memberID")
    String id;

    @Option(names = "--peer-urls", required = true, split = ",", description = "comma separated peer URLs")
    List<String> peerUrls;

    @Override
    public Integer call() {
      long mid = parseId(id);
      ClusterClient.Members m = BlockingClient.await(member.root.client().cluster().update(mid, peerUrls));
      member.root.printer().line(String.format("Member %x updated in cluster %x", mid, m.header().clusterId()), json(m));
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "promote", description = "Promotes a non-voting (learner) member in the cluster.")
  static final class Promote implements Callable<Integer> {
    @ParentCommand
    MemberCommand member;

    @Parameters(index = "0", paramLabel = "memberID")
    String id;

    @Override
    public Integer call() {
      long mid = parseId(id);
      ClusterClient.Members m = BlockingClient.await(member.root.client().cluster().promote(mid));
      member.root.printer().line(String.format("Member %x promoted in cluster %x", mid, m.header().clusterId()), json(m));
      return ExitCode.SUCCESS;
    }
  }

  /** Client endpoints of every member, for {@code --cluster}. */
  static List<String> clusterEndpoints(RaftKvCli root) {
    List<Member> members = BlockingClient.await(root.client().cluster().list()).members();
    return members.stream().flatMap(m -> m.clientUrls().stream()).distinct().toList();
  }
}
