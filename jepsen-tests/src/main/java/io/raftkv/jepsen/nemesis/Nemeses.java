package io.raftkv.jepsen.nemesis;

import java.util.ArrayList;
import java.util.List;

/** Nemeses by the names used on the command line ({@code --nemesis partition,kill}). */
public final class Nemeses {
  private Nemeses() {}

  public static final List<String> NAMES = List.of(
      "partition-one", "partition-leader", "partition-halves", "partition-ring",
      "partition-bridge", "partition", "loss", "kill-one", "kill-leader", "kill-majority",
      "kill", "crash-one", "crash-leader", "crash-majority", "crash-all", "crash", "pause-one",
      "pause-leader", "pause", "clock-skew", "clock-strobe", "clock", "member");

  /** One name may stand for several nemeses ({@code partition} = every partition shape). */
  public static List<Nemesis> named(String name) {
    return switch (name) {
      case "partition-one" -> List.of(new PartitionNemesis(PartitionNemesis.Shape.ISOLATE_ONE));
      case "partition-leader" ->
          List.of(new PartitionNemesis(PartitionNemesis.Shape.ISOLATE_LEADER));
      case "partition-halves" -> List.of(new PartitionNemesis(PartitionNemesis.Shape.HALVES));
      case "partition-ring" -> List.of(new PartitionNemesis(PartitionNemesis.Shape.RING));
      case "partition-bridge" -> List.of(new PartitionNemesis(PartitionNemesis.Shape.BRIDGE));
      case "partition" -> List.of(PartitionNemesis.Shape.values()).stream()
          .map(s -> (Nemesis) new PartitionNemesis(s)).toList();
      case "loss" -> List.of(new PacketLossNemesis());
      case "kill-one" -> List.of(new KillNemesis(Target.ONE));
      case "kill-leader" -> List.of(new KillNemesis(Target.LEADER));
      case "kill-majority" -> List.of(new KillNemesis(Target.MAJORITY));
      case "kill" -> List.of(new KillNemesis(Target.ONE), new KillNemesis(Target.LEADER),
          new KillNemesis(Target.MAJORITY));
      case "crash-one" -> List.of(KillNemesis.crash(Target.ONE));
      case "crash-leader" -> List.of(KillNemesis.crash(Target.LEADER));
      case "crash-majority" -> List.of(KillNemesis.crash(Target.MAJORITY));
      case "crash-all" -> List.of(KillNemesis.crash(Target.ALL));
      case "crash" -> List.of(KillNemesis.crash(Target.ONE), KillNemesis.crash(Target.LEADER),
          KillNemesis.crash(Target.MAJORITY), KillNemesis.crash(Target.ALL));
      case "member" -> List.of(new MembershipNemesis());
      case "pause-one" -> List.of(new PauseNemesis(Target.ONE));
      case "pause-leader" -> List.of(new PauseNemesis(Target.LEADER));
      case "pause" -> List.of(new PauseNemesis(Target.ONE), new PauseNemesis(Target.LEADER));
      case "clock-skew" -> List.of(new ClockNemesis(false));
      case "clock-strobe" -> List.of(new ClockNemesis(true));
      case "clock" -> List.of(new ClockNemesis(false), new ClockNemesis(true));
      case "none" -> List.of();
      default -> throw new IllegalArgumentException("unknown nemesis '" + name + "'; known: "
          + NAMES);
    };
  }

  public static List<Nemesis> parse(String commaSeparated) {
    List<Nemesis> result = new ArrayList<>();
    for (String name : commaSeparated.split(",")) {
      if (!name.isBlank()) {
        result.addAll(named(name.strip()));
      }
    }
    return result;
  }
}
