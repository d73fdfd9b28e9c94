package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.Txn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code txn}: reads a transaction in etcdctl's syntax from standard input (compares, blank
 * line, success operations, blank line, failure operations) and commits it. Prints SUCCESS or
 * FAILURE and then each operation's result; a failed guard still exits 0, as with etcdctl.
 */
@Command(name = "txn", description = "Txn processes all the requests in one transaction (read from stdin).")
final class TxnCommand implements Callable<Integer> {
  @ParentCommand
  RaftKvCli root;

  @Option(names = {"-i", "--interactive"}, description = "input transaction in interactive mode (prompts)")
  boolean interactive;

  @Override
  public Integer call() throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(root.stdin(), StandardCharsets.UTF_8));
    PrintWriter prompt = root.out();
    Txn txn = root.client().kv().txn();
    section(prompt, "compares:");
    for (String line : readSection(in)) {
      txn.when(TxnParser.compare(line));
    }
    section(prompt, "success requests (get, put, del):");
    for (String line : readSection(in)) {
      txn.then(TxnParser.operation(line));
    }
    section(prompt, "failure requests (get, put, del):");
    for (String line : readSection(in)) {
      txn.otherwise(TxnParser.operation(line));
    }
    if (interactive) {
      prompt.println();
    }
    root.printer().txn(BlockingClient.await(txn.commit()));
    return ExitCode.SUCCESS;
  }

  private void section(PrintWriter prompt, String title) {
    if (interactive) {
      prompt.println(title);
      prompt.flush();
    }
  }

  /** Lines up to the next blank line or the end of input. */
  private static List<String> readSection(BufferedReader in) throws IOException {
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.isBlank()) {
      lines.add(line.strip());
    }
    return lines;
  }
}
