package io.raftkv.cli;

import io.raftkv.client.recipes.Lock;
import io.raftkv.client.recipes.LockKey;
import io.raftkv.client.recipes.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lock [--ttl N] <name> [command args...]}: acquires the named lock (the client-side
 * recipe, so any etcd-compatible server works) and prints its key. With a command, runs it
 * while holding the lock (ETCD_LOCK_KEY, ETCD_LOCK_REV and RAFTKV_LOCK_FENCING_REVISION in its
 * environment), releases the lock and exits with the command's exit code; without one, holds
 * the lock until interrupted. Options must come before the name.
 */
@Command(name = "lock", description = "Acquires a named lock.")
final class LockCommand implements Callable<Integer> {
  @ParentCommand
  RaftKvCli root;

  @Parameters(index = "0", paramLabel = "lockname")
  String name;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "command")
  List<String> command = new ArrayList<>();

  @Option(names = "--ttl", defaultValue = "10", description = "timeout for the session (seconds)")
  long ttl;

  @Override
  public Integer call() throws Exception {
    try (Session session = Session.open(root.client(), ttl)) {
      Lock lock = new Lock(session, name);
      LockKey key = lock.lock();
      try {
        root.out().println(key.key());
        root.out().flush();
        if (command.isEmpty()) {
          Foreground.await(session.lost().thenAccept(reason -> {
            throw reason;
          }));
          return ExitCode.SUCCESS;
        }
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("ETCD_LOCK_KEY", key.key().toString());
        pb.environment().put("ETCD_LOCK_REV", Long.toString(key.fencingRevision()));
        pb.environment().put("RAFTKV_LOCK_FENCING_REVISION", Long.toString(key.fencingRevision()));
        return pb.start().waitFor();
      } finally {
        lock.unlock();
      }
    }
  }
}
