package io.raftkv.jepsen.nemesis;

import io.raftkv.jepsen.cluster.Cluster;
import io.raftkv.jepsen.cluster.Membership;
import io.raftkv.jepsen.cluster.Membership.Member;
import io.raftkv.jepsen.cluster.Node;
import io.raftkv.jepsen.sut.SystemUnderTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Membership changes through the etcd Cluster API, as an operator replaces a member: remove a
 * node (any node, the leader included), kill it and wipe its data; on healing add it back as a
 * learner, start it with {@code --initial-cluster-state existing} on an empty data directory,
 * and promote it to a voter once it has caught up (the cluster refuses to promote a learner
 * that is not in sync, so promotion is retried until it is accepted).
 *
 * <p>While the node is out the cluster has one voter fewer; its clients' operations fail.
 */
public final class MembershipNemesis implements Nemesis {
  private static final Duration CALL = Duration.ofSeconds(5);
  private static final Duration HEAL_BOUND = Duration.ofSeconds(120);

  @Override
  public String name() {
    return "member";
  }

  @Override
  public String inject(Cluster cluster, Random random) {
    Node victim = Target.ONE.pick(cluster, random).get(0);
    String peerUrl = SystemUnderTest.peerUrl(victim.name());
    List<String> tried = new ArrayList<>();
    for (Node via : others(cluster, victim)) {
      try (Membership membership = new Membership(via, CALL)) {
        Optional<Member> member = membership.find(peerUrl);
        if (member.isEmpty()) {
          throw new IllegalStateException(victim + " is not a member");
        }
        try {
          membership.remove(member.get().id());
        } catch (RuntimeException e) {
          // The removal may have been applied although the answer was lost: look again.
          if (membership.find(peerUrl).isPresent()) {
            throw e;
          }
        }
        victim.hold();
        victim.wipeData();
        return "removed " + victim + " (member " + member.get().idHex() + ") via " + via
            + ", killed it and wiped its data";
      } catch (RuntimeException e) {
        tried.add(e.getMessage());
      }
    }
    throw new IllegalStateException("could not remove " + victim + ": " + tried);
  }

  /**
   * Brings every node back as a voter: re-adds and restarts removed ones, promotes learners.
   * Bounded; a node still not a voter at the end is an error.
   */
  @Override
  public void heal(Cluster cluster) {
    long deadline = System.nanoTime() + HEAL_BOUND.toNanos();
    String lastProblem = "";
    while (System.nanoTime() < deadline) {
      try {
        if (healOnce(cluster)) {
          return;
        }
      } catch (RuntimeException e) {
        lastProblem = e.getMessage();
      }
      pause(Duration.ofMillis(500));
    }
    throw new IllegalStateException("membership not restored within " + HEAL_BOUND.toSeconds()
        + " s: " + lastProblem);
  }

  /** One round: true when every node is a voter. */
  private boolean healOnce(Cluster cluster) {
    Membership membership = serving(cluster);
    try {
      List<Member> members = membership.list();
      boolean allVoters = true;
      for (Node node : cluster.nodes()) {
        String peerUrl = SystemUnderTest.peerUrl(node.name());
        Optional<Member> member = members.stream()
            .filter(m -> m.peerUrls().contains(peerUrl)).findFirst();
        if (member.isEmpty()) {
          allVoters = false;
          rejoin(cluster, membership, node, members);
        } else if (member.get().learner()) {
          allVoters = false;
          membership.promote(member.get().id()); // refused until the learner is in sync
        }
      }
      return allVoters;
    } finally {
      membership.close();
    }
  }

  private static void rejoin(Cluster cluster, Membership membership, Node node,
      List<Member> members) {
    node.hold(); // it must not run on its old command or data while it is out
    node.wipeData();
    membership.addLearner(SystemUnderTest.peerUrl(node.name()));
    List<String> names = new ArrayList<>();
    for (Node n : cluster.nodes()) {
      String url = SystemUnderTest.peerUrl(n.name());
      if (n == node || members.stream().anyMatch(m -> m.peerUrls().contains(url))) {
        names.add(n.name());
      }
    }
    node.runWith(cluster.sut().command(node.name(), names, true));
    node.release();
  }

  /**
   * A membership client on a node that answers a member list, the leader first: a member that
   * is still catching up may list an older membership.
   */
  private static Membership serving(Cluster cluster) {
    List<String> problems = new ArrayList<>();
    List<Node> candidates = new ArrayList<>();
    cluster.leader().ifPresent(candidates::add);
    cluster.nodes().stream().filter(n -> !candidates.contains(n)).forEach(candidates::add);
    for (Node node : candidates) {
      Membership membership = new Membership(node, CALL);
      try {
        membership.list();
        return membership;
      } catch (RuntimeException e) {
        membership.close();
        problems.add(e.getMessage());
      }
    }
    throw new IllegalStateException("no node lists the members: " + problems);
  }

  private static List<Node> others(Cluster cluster, Node victim) {
    return cluster.nodes().stream().filter(n -> n != victim).toList();
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
