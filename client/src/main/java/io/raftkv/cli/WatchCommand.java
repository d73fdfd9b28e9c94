package io.raftkv.cli;

import io.raftkv.client.ByteSequence;
import io.raftkv.client.RaftKvException;
import io.raftkv.client.WatchBatch;
import io.raftkv.client.WatchEvent;
import io.raftkv.client.WatchListener;
import io.raftkv.client.WatchOptions;
import io.raftkv.client.Watcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code watch key [range_end] [--prefix] [--rev N] [--prev-kv] [-- command args...]}: prints
 * events until interrupted; with a command after {@code --}, runs it once per event with the
 * event in its environment (ETCD_WATCH_* like etcdctl, and the same as RAFTKV_WATCH_*). The
 * watch resumes by itself across member failures; a compacted resume point ends it with exit 1.
 */
@Command(name = "watch", description = "Watches events stream on keys or prefixes.")
final class WatchCommand implements Callable<Integer> {
  @ParentCommand
  RaftKvCli root;

  @Parameters(index = "0", arity = "0..1", paramLabel = "key")
  String key;

  @Option(names = {"-i", "--interactive"},
      description = "interactive mode: read 'watch <key> [range_end] [flags]' lines from stdin")
  boolean interactive;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "[range_end] [-- command...]")
  List<String> rest = new ArrayList<>();

  @Option(names = "--prefix", description = "watch on a prefix if prefix is set")
  boolean prefix;

  @Option(names = "--rev", description = "revision to start watching")
  long rev;

  @Option(names = "--prev-kv", description = "get the previous key-value pair before the event happens")
  boolean prevKv;

  @Option(names = "--progress-notify", description = "get periodic watch progress notification from server")
  boolean progressNotify;

  @Override
  public Integer call() throws Exception {
    if (interactive) {
      return interactive();
    }
    if (key == null) {
      throw new ExitCode.InvalidInputException("watch needs a key (or -i)");
    }
    List<String> command = List.of();
    String rangeEnd = null;
    int dash = rest.indexOf("--");
    List<String> positional = dash >= 0 ? rest.subList(0, dash) : rest;
    if (dash >= 0) {
      command = rest.subList(dash + 1, rest.size());
    }
    if (positional.size() > 1) {
      throw new ExitCode.InvalidInputException("too many arguments; put a command after --");
    }
    if (!positional.isEmpty()) {
      rangeEnd = positional.get(0);
    }
    WatchOptions o = options(rangeEnd);
    Printer printer = root.printer();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    List<String> cmd = command;
    try (Watcher w = root.client().watch().watch(ByteSequence.of(key), o, listener(printer, cmd, ended))) {
      Foreground.await(ended);
    }
    return ExitCode.SUCCESS;
  }

  /** Each stdin line starts one more watch on the same output, as etcdctl's {@code watch -i} does. */
  private int interactive() throws Exception {
    Printer printer = root.printer();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    List<Watcher> watchers = new ArrayList<>();
    try (java.io.BufferedReader in = new java.io.BufferedReader(
        new java.io.InputStreamReader(root.stdin(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        List<String> args = TxnParser.tokens(line);
        if (args.isEmpty()) {
          continue;
        }
        if (!args.get(0).equals("watch")) {
          root.err().println("Invalid command " + args.get(0) + " (only support watch)");
          root.err().flush();
          continue;
        }
        WatchCommand w = new WatchCommand();
        try {
          new picocli.CommandLine(w).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
          root.err().println("Invalid watch arguments: " + e.getMessage());
          root.err().flush();
          continue;
        }
        if (w.key == null || w.rest.size() > 1) {
          root.err().println("Invalid watch arguments: " + line);
          root.err().flush();
          continue;
        }
        String end = w.rest.isEmpty() ? null : w.rest.get(0);
        watchers.add(root.client().watch().watch(ByteSequence.of(w.key), w.options(end),
            listener(printer, List.of(), ended)));
      }
      Foreground.await(ended);
    } finally {
      watchers.forEach(Watcher::close);
    }
    return ExitCode.SUCCESS;
  }

  private WatchListener listener(Printer printer, List<String> cmd, CompletableFuture<Void> ended) {
    return new WatchListener() {
      @Override
      public void onEvents(WatchBatch batch) {
        synchronized (printer) {
          if (cmd.isEmpty()) {
            printer.watch(batch.header(), batch.events());
            return;
          }
          for (WatchEvent e : batch.events()) {
            printer.watch(batch.header(), List.of(e));
            run(cmd, e, batch.header().revision());
          }
        }
      }

      @Override
      public void onError(RaftKvException error) {
        ended.completeExceptionally(error);
      }
    };
  }

  WatchOptions options(String rangeEnd) {
    WatchOptions o = WatchOptions.DEFAULT.withStartRevision(rev);
    if (prefix) {
      o = o.withPrefix();
    }
    if (rangeEnd != null) {
      o = o.withRangeEnd(ByteSequence.of(rangeEnd));
    }
    if (prevKv) {
      o = o.withPrevKv();
    }
    if (progressNotify) {
      o = o.withProgressNotify();
    }
    return o;
  }

  private void run(List<String> cmd, WatchEvent e, long revision) {
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    Map<String, String> env = pb.environment();
    for (String p : List.of("ETCD_WATCH_", "RAFTKV_WATCH_")) {
      env.put(p + "REVISION", Long.toString(revision));
      env.put(p + "KEY", e.kv().key().toString());
      env.put(p + "EVENT_TYPE", e.type().name());
      env.put(p + "VALUE", e.kv().value().toString());
    }
    try {
      pb.start().waitFor();
    } catch (Exception ex) {
      root.err().println("Error: running " + cmd + ": " + ex.getMessage());
      root.err().flush();
    }
  }
}
