package io.raftkv.bench.failover;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** Prints the systems' phases side by side, one row per fault, then the worst figures against the goals. */
final class ResultTable {
    private static final String GROUP = "%-38s";
    private static final String CELLS = "%8s %8s %8s %8s  ";

    private ResultTable() {
    }

    static void print(List<SystemResult> systems, RunSettings settings, PrintStream out) {
        out.println();
        out.printf("seconds; new leader: from the fault until a surviving member reports one; gaps: longest stretch without a%n");
        out.printf("successful write / linearizable read (all clients) from the fault until the member served again + %.1f s;%n",
                settings.settle().toMillis() / 1000.0);
        out.printf("serving: from its restart (%.1f s after kill -9) or SIGCONT (after %.1f s stopped) to its first linearizable read and write%n",
                settings.restartAfter().toMillis() / 1000.0, settings.pause().toMillis() / 1000.0);
        out.println();
        out.printf("%-6s%-18s", "", "");
        for (SystemResult system : systems) {
            out.printf(GROUP, "------ " + system.system() + " " + "-".repeat(Math.max(0, 28 - system.system().length())) + "  ");
        }
        out.println();
        out.printf("%-6s%-18s", "round", "fault");
        for (int i = 0; i < systems.size(); i++) {
            out.printf(CELLS, "leader", "w-gap", "r-gap", "serving");
        }
        out.println();
        int rows = systems.stream().mapToInt(s -> s.phases().size()).max().orElse(0);
        for (int row = 0; row < rows; row++) {
            PhaseResult first = phaseOrNull(systems, row);
            out.printf("%-6d%-18s", first.round(), first.fault().label);
            for (SystemResult system : systems) {
                if (row < system.phases().size()) {
                    PhaseResult p = system.phases().get(row);
                    out.printf(CELLS, cell(p.leaderAfter()), cell(p.writeGap()), cell(p.readGap()), cell(p.servingAfter()));
                } else {
                    out.printf(CELLS, "-", "-", "-", "-");
                }
            }
            out.println();
        }
        out.println();
        out.printf("%-52s", "worst of all rounds (issue 14's goal)");
        systems.forEach(s -> out.printf("%12s", s.system()));
        out.println();
        worst(out, systems, "kill -9 leader: writes again (w-gap; goal <= 1 s)", Fault.KILL_LEADER, PhaseResult::writeGap);
        worst(out, systems, "kill -9 leader: new leader", Fault.KILL_LEADER, PhaseResult::leaderAfter);
        worst(out, systems, "kill -9 leader: restarted member serving (<= 1 s)", Fault.KILL_LEADER, PhaseResult::servingAfter);
        worst(out, systems, "kill -9 follower: restarted member serving (<= 1 s)", Fault.KILL_FOLLOWER, PhaseResult::servingAfter);
        worst(out, systems, "kill -9 follower: w-gap", Fault.KILL_FOLLOWER, PhaseResult::writeGap);
        worst(out, systems, "SIGSTOP leader: w-gap", Fault.PAUSE_LEADER, PhaseResult::writeGap);
        worst(out, systems, "SIGSTOP leader: resumed member serving", Fault.PAUSE_LEADER, PhaseResult::servingAfter);
        row(out, systems, "acknowledged writes", s -> Integer.toString(s.acknowledgedWrites()));
        row(out, systems, "acknowledged writes missing at the end", s -> s.missingWrites() == null ? "unchecked" : s.missingWrites().toString());
        row(out, systems, "stale linearizable reads", s -> Integer.toString(s.staleReadCount()));
        row(out, systems, "failed calls (writes / reads; retried)", s -> s.failedWrites() + " / " + s.failedReads());
        for (SystemResult system : systems) {
            if (system.error() != null) {
                out.printf("%s: stopped early: %s%n", system.system(), system.error());
            }
            if (!system.missingKeys().isEmpty()) {
                out.printf("%s: missing acknowledged writes, e.g. %s%n", system.system(), String.join(", ", system.missingKeys()));
            }
            if (!system.staleReads().isEmpty()) {
                out.printf("%s: linearizable reads that missed an acknowledged write, e.g. %s%n", system.system(), String.join(", ", system.staleReads()));
            }
        }
    }

    private static PhaseResult phaseOrNull(List<SystemResult> systems, int row) {
        return systems.stream().filter(s -> row < s.phases().size()).map(s -> s.phases().get(row)).findFirst().orElseThrow();
    }

    private static void worst(PrintStream out, List<SystemResult> systems, String label, Fault fault, Function<PhaseResult, Double> figure) {
        row(out, systems, label, s -> {
            List<PhaseResult> phases = s.phases().stream().filter(p -> p.fault() == fault).toList();
            if (phases.isEmpty()) {
                return "-";
            }
            if (phases.stream().map(figure).anyMatch(Objects::isNull)) {
                return "never";
            }
            return String.format("%.2f s", phases.stream().map(figure).mapToDouble(Double::doubleValue).max().orElseThrow());
        });
    }

    private static void row(PrintStream out, List<SystemResult> systems, String label, Function<SystemResult, String> cell) {
        out.printf("%-52s", label);
        systems.forEach(s -> out.printf("%12s", cell.apply(s)));
        out.println();
    }

    private static String cell(Double seconds) {
        return seconds == null ? "never" : String.format("%.2f", seconds);
    }
}
