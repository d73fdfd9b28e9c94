package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.ByteSequence;
import io.raftkv.client.DeleteOptions;
import io.raftkv.client.GetOptions;
import io.raftkv.client.Header;
import io.raftkv.client.PutOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** get, put, del and compaction: etcdctl's key-value commands. */
final class KvCommands {
  private KvCommands() {}

  @Command(name = "get", description = "Gets the key or a range of keys.")
  static final class Get implements Callable<Integer> {
    @ParentCommand
    RaftKvCli root;

    @Parameters(index = "0", paramLabel = "key")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "range_end")
    String rangeEnd;

    @Option(names = "--prefix", description = "get keys with matching prefix")
    boolean prefix;

    @Option(names = "--from-key", description = "get keys that are greater than or equal to the given key")
    boolean fromKey;

    @Option(names = "--limit", description = "maximum number of results")
    long limit;

    @Option(names = "--rev", description = "specify the kv revision")
    long rev;

    @Option(names = "--order", description = "order of results: ASCEND or DESCEND (ASCEND by default)")
    GetOptions.SortOrder order;

    @Option(names = "--sort-by", description = "sort target: CREATE, KEY, MODIFY, VALUE, or VERSION")
    String sortBy;

    @Option(names = "--consistency", defaultValue = "l", description = "l (linearizable) or s (serializable)")
    String consistency;

    @Option(names = "--keys-only", description = "get only the keys")
    boolean keysOnly;

    @Option(names = "--count-only", description = "get only the count")
    boolean countOnly;

    @Option(names = "--print-value-only", description = "only write values when using the simple output format")
    boolean printValueOnly;

    @Override
    public Integer call() {
      var r = BlockingClient.await(root.client().kv().get(ByteSequence.of(key), options()));
      root.printer().get(r, printValueOnly, keysOnly, countOnly);
      return ExitCode.SUCCESS;
    }

    GetOptions options() {
      GetOptions.Builder b = GetOptions.builder().limit(limit).revision(rev);
      if (prefix) {
        b.prefix();
      }
      if (fromKey) {
        b.fromKey();
      }
      if (rangeEnd != null) {
        b.rangeEnd(ByteSequence.of(rangeEnd));
      }
      if (keysOnly) {
        b.keysOnly();
      }
      if (countOnly) {
        b.countOnly();
      }
      switch (consistency) {
        case "s" -> b.serializable();
        case "l" -> { }
        default -> throw new ExitCode.InvalidInputException("unknown consistency flag \"" + consistency + "\"");
      }
      if (sortBy != null || order != null) {
        GetOptions.SortTarget target = switch (sortBy == null ? "KEY" : sortBy.toUpperCase()) {
          case "KEY" -> GetOptions.SortTarget.KEY;
          case "CREATE" -> GetOptions.SortTarget.CREATE;
          case "MODIFY" -> GetOptions.SortTarget.MOD;
          case "VALUE" -> GetOptions.SortTarget.VALUE;
          case "VERSION" -> GetOptions.SortTarget.VERSION;
          default -> throw new ExitCode.InvalidInputException("bad sort target \"" + sortBy + "\"");
        };
        b.sort(target, order == null ? GetOptions.SortOrder.ASCEND : order);
      }
      return b.build();
    }
  }

  @Command(name = "put", description = "Puts the given key into the store. Reads the value from stdin when omitted.")
  static final class Put implements Callable<Integer> {
    @ParentCommand
    RaftKvCli root;

    @Parameters(index = "0", paramLabel = "key")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "value")
    String value;

    @Option(names = "--lease", defaultValue = "0", description = "lease ID (in hexadecimal) to attach to the key")
    String lease;

    @Option(names = "--prev-kv", description = "return the previous key-value pair before modification")
    boolean prevKv;

    @Option(names = "--ignore-value", description = "updates the key using its current value")
    boolean ignoreValue;

    @Option(names = "--ignore-lease", description = "updates the key using its current lease")
    boolean ignoreLease;

    @Override
    public Integer call() throws Exception {
      String v = value;
      if (v == null) {
        if (ignoreValue) {
          v = "";
        } else {
          v = new String(root.stdin().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      var r = BlockingClient.await(root.client().kv().put(ByteSequence.of(key), ByteSequence.of(v), options()));
      root.printer().put(r);
      return ExitCode.SUCCESS;
    }

    PutOptions options() {
      PutOptions o = PutOptions.withLease(LeaseCommand.parseId(lease));
      if (prevKv) {
        o = o.withPrevKv();
      }
      if (ignoreValue) {
        o = o.withIgnoreValue();
      }
      if (ignoreLease) {
        o = o.withIgnoreLease();
      }
      return o;
    }
  }

  @Command(name = "del", description = "Removes the specified key or range of keys [key, range_end).")
  static final class Del implements Callable<Integer> {
    @ParentCommand
    RaftKvCli root;

    @Parameters(index = "0", paramLabel = "key")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "range_end")
    String rangeEnd;

    @Option(names = "--prefix", description = "delete keys with matching prefix")
    boolean prefix;

    @Option(names = "--from-key", description = "delete keys that are greater than or equal to the given key")
    boolean fromKey;

    @Option(names = "--prev-kv", description = "return deleted key-value pairs")
    boolean prevKv;

    @Override
    public Integer call() {
      var r = BlockingClient.await(root.client().kv().delete(ByteSequence.of(key), options()));
      root.printer().delete(r);
      return ExitCode.SUCCESS;
    }

    DeleteOptions options() {
      return new DeleteOptions(prefix, fromKey, rangeEnd == null ? ByteSequence.EMPTY : ByteSequence.of(rangeEnd),
          prevKv);
    }
  }

  @Command(name = "compaction", description = "Compacts the event history up to the given revision.")
  static final class Compaction implements Callable<Integer> {
    @ParentCommand
    RaftKvCli root;

    @Parameters(index = "0", paramLabel = "revision")
    long revision;

    @Option(names = "--physical", description = "wait until the compaction is physically applied")
    boolean physical;

    @Override
    public Integer call() {
      Header h = BlockingClient.await(root.client().kv().compact(revision, physical));
      Map<String, Object> j = Json.object();
      j.put("header", Printer.header(h));
      root.printer().line("compacted revision " + revision, j);
      return ExitCode.SUCCESS;
    }
  }
}
