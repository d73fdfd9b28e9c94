package io.raftkv.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code help [COMMAND...]}: the usage of raftkv, or of the named command ({@code help lease
 * grant}). picocli's own help command declares {@code -h} itself, which clashes with the
 * {@code --help} every raftkv command inherits.
 */
@Command(name = "help", description = "Shows the usage of raftkv or of a command (help lease grant).")
final class HelpCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "a command, and its subcommand")
  List<String> names = List.of();

  @Override
  public void run() {
    CommandLine target = spec.parent().commandLine();
    for (String name : names) {
      CommandLine sub = target.getSubcommands().get(name);
      if (sub == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Unknown command: '" + name + "'");
      }
      target = sub;
    }
    target.usage(spec.commandLine().getOut());
  }
}
