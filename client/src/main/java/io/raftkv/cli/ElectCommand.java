package io.raftkv.cli;

import io.raftkv.client.ByteSequence;
import io.raftkv.client.KeyValue;
import io.raftkv.client.Watcher;
import io.raftkv.client.recipes.Election;
import io.raftkv.client.recipes.LeaderKey;
import io.raftkv.client.recipes.Session;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code elect <name> <proposal>}: campaigns, prints the leader key and value once elected and
 * holds leadership until interrupted (then resigns). {@code elect -l <name>}: prints the
 * leader's key and value each time it changes, until interrupted.
 */
@Command(name = "elect", description = "Observes and participates in leader election.")
final class ElectCommand implements Callable<Integer> {
  @ParentCommand
  RaftKvCli root;

  @Parameters(index = "0", paramLabel = "election-name")
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "proposal")
  String proposal;

  @Option(names = {"-l", "--listen"}, description = "observation mode")
  boolean listen;

  @Option(names = "--ttl", defaultValue = "10", description = "timeout for the session (seconds)")
  long ttl;

  @Override
  public Integer call() throws Exception {
    if (listen) {
      CompletableFuture<Void> forever = new CompletableFuture<>();
      try (Watcher w = Election.observe(root.client(), ByteSequence.of(name), this::print)) {
        Foreground.await(forever);
      }
      return ExitCode.SUCCESS;
    }
    if (proposal == null) {
      throw new ExitCode.InvalidInputException("no proposal argument but -l not set");
    }
    try (Session session = Session.open(root.client(), ttl)) {
      Election e = new Election(session, name);
      LeaderKey k = e.campaign(ByteSequence.of(proposal));
      root.out().println(k.key());
      root.out().println(proposal);
      root.out().flush();
      try {
        Foreground.await(session.lost().thenAccept(reason -> {
          throw reason;
        }));
      } finally {
        e.resign();
      }
    }
    return ExitCode.SUCCESS;
  }

  private void print(Optional<KeyValue> leader) {
    leader.ifPresent(kv -> {
      synchronized (this) {
        root.out().println(kv.key());
        root.out().println(kv.value());
        root.out().flush();
      }
    });
  }
}
