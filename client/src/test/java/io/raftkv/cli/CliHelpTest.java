package io.raftkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command explains itself, with no cluster needed: `--help` anywhere, and `help CMD`. */
class CliHelpTest {

  @Test
  void everyCommandAndSubcommandPrintsItsOwnUsageOnHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(new RaftKvCli(Map.of(), System.in).commandLine(), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(20); // lease grant, member list, ... are all reached

    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun run = CliRun.run(Map.of(), "", args.toArray(String[]::new));
      assertThat(run.exitCode).as("%s\n%s", args, run).isZero();
      assertThat(run.out()).as("%s", args).startsWith("Usage: raftkv " + String.join(" ", path));
      assertThat(run.err()).as("%s", args).isEmpty();
    }
  }

  @Test
  void helpCommandPrintsTheNamedCommandsUsage() {
    CliRun run = CliRun.run(Map.of(), "", "help", "get");
    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("Usage: raftkv get");
  }

  @Test
  void helpForAnUnknownCommandIsABadArgument() {
    CliRun run = CliRun.run(Map.of(), "", "help", "nope");
    assertThat(run.exitCode).isEqualTo(ExitCode.BAD_ARGS);
    assertThat(run.err()).startsWith("Error: Unknown command: 'nope'\n");
  }

  @Test
  void versionOnTheRootCommand() {
    CliRun run = CliRun.run(Map.of(), "", "--version");
    assertThat(run.exitCode).isZero();
    assertThat(run.out()).startsWith("raftkv 0.1.0");
  }

  @Test
  void aMissingArgumentStillSaysWhatIsMissing() {
    CliRun run = CliRun.run(Map.of(), "", "get");
    assertThat(run.exitCode).isEqualTo(ExitCode.BAD_ARGS);
    assertThat(run.err()).isEqualTo("Error: Missing required parameter: 'key'\nRun 'raftkv get --help' for usage.\n");
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> out) {
    for (var e : command.getSubcommands().entrySet()) {
      if (!e.getValue().getCommandName().equals(e.getKey())) {
        continue; // an alias: its command is visited under its own name
      }
      List<String> sub = new ArrayList<>(path);
      sub.add(e.getKey());
      out.add(sub);
      collect(e.getValue(), sub, out);
    }
  }
}
