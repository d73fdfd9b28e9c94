package io.raftkv.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the CLI in-process with captured output, a given environment and standard input. */
final class CliRun {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  private final Map<String, String> env;
  private final String stdin;
  volatile int exitCode = -1;

  CliRun(Map<String, String> env, String stdin) {
    this.env = env;
    this.stdin = stdin;
  }

  static CliRun run(Map<String, String> env, String stdin, String... args) {
    CliRun r = new CliRun(env, stdin);
    r.execute(args);
    return r;
  }

  void execute(String... args) {
    try (RaftKvCli cli = new RaftKvCli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))) {
      exitCode = cli.commandLine()
          .setOut(new PrintWriter(out, true))
          .setErr(new PrintWriter(err, true))
          .execute(args);
    }
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
  }
}
