package io.raftkv.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.jepsen.nemesis.PartitionNemesis.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The partition shapes cut the links they claim to, symmetrically. */
class PartitionShapesTest {
  private static final List<String> FIVE = List.of("a", "b", "c", "d", "e");

  private static void assertSymmetric(Map<String, Set<String>> cut) {
    cut.forEach((node, peers) -> peers.forEach(p ->
        assertThat(cut.get(p)).as(p + " cut from " + node).contains(node)));
  }

  @Test
  void isolateOneCutsTheFirstNodeFromEveryone() {
    Map<String, Set<String>> cut = PartitionNemesis.cuts(Shape.ISOLATE_ONE, FIVE, "c");
    assertThat(cut.get("a")).containsExactlyInAnyOrder("b", "c", "d", "e");
    assertThat(cut.get("b")).containsExactly("a");
    assertSymmetric(cut);
  }

  @Test
  void isolateLeaderCutsTheLeader() {
    Map<String, Set<String>> cut = PartitionNemesis.cuts(Shape.ISOLATE_LEADER, FIVE, "c");
    assertThat(cut.get("c")).containsExactlyInAnyOrder("a", "b", "d", "e");
    assertThat(cut.get("a")).containsExactly("c");
  }

  @Test
  void halvesSplitMinorityFromMajority() {
    Map<String, Set<String>> cut = PartitionNemesis.cuts(Shape.HALVES, FIVE, "a");
    assertThat(cut.get("a")).containsExactlyInAnyOrder("c", "d", "e");
    assertThat(cut.get("e")).containsExactlyInAnyOrder("a", "b");
    assertSymmetric(cut);
  }

  @Test
  void ringGivesEveryNodeADifferentMajority() {
    Map<String, Set<String>> cut = PartitionNemesis.cuts(Shape.RING, FIVE, "a");
    for (String node : FIVE) {
      assertThat(5 - cut.get(node).size()).as(node + " sees itself and 2 others").isEqualTo(3);
    }
    assertThat(cut.get("a")).containsExactlyInAnyOrder("c", "d");
    assertSymmetric(cut);
    // At 3 nodes a ring cuts nothing (every node is a neighbour).
    assertThat(PartitionNemesis.cuts(Shape.RING, List.of("a", "b", "c"), "a").values())
        .allSatisfy(peers -> assertThat(peers).isEmpty());
  }

  @Test
  void bridgeKeepsOneNodeConnectedToBothHalves() {
    Map<String, Set<String>> cut = PartitionNemesis.cuts(Shape.BRIDGE, FIVE, "a");
    assertThat(cut.get("a")).isEmpty();
    assertThat(cut.get("b")).containsExactlyInAnyOrder("d", "e");
    assertThat(cut.get("c")).containsExactlyInAnyOrder("d", "e");
    assertSymmetric(cut);
    Map<String, Set<String>> three = PartitionNemesis.cuts(Shape.BRIDGE, List.of("a", "b", "c"), "a");
    assertThat(three.get("b")).containsExactly("c");
  }
}
