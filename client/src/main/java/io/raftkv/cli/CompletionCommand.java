package io.raftkv.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code raftkv completion}: prints a bash/zsh completion script ({@code source <(raftkv completion)}). */
@Command(name = "completion", description = "Prints the bash/zsh completion script: source <(raftkv completion)")
final class CompletionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("raftkv", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCode.SUCCESS;
  }
}
