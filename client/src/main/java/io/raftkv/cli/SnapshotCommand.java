package io.raftkv.cli;

import io.raftkv.client.BlockingClient;
import io.raftkv.client.MaintenanceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code snapshot save|restore}. */
@Command(name = "snapshot", description = "Manages etcd node snapshots.",
    subcommands = {SnapshotCommand.Save.class, SnapshotCommand.Restore.class})
final class SnapshotCommand {
  @ParentCommand
  RaftKvCli root;

  @Command(name = "save", description = "Stores a snapshot of a member's backend to the given file.")
  static final class Save implements Callable<Integer> {
    @ParentCommand
    SnapshotCommand snapshot;

    @Parameters(index = "0", paramLabel = "filename")
    Path file;

    @Override
    public Integer call() {
      RaftKvCli root = snapshot.root;
      List<String> eps = root.endpoints();
      if (eps.size() != 1) {
        throw new ExitCode.InvalidInputException("snapshot must be requested to one selected node, not multiple "
            + eps);
      }
      ProgressBar bar = new ProgressBar(root.err(), "Snapshot");
      MaintenanceClient.SnapshotFile f;
      try {
        f = BlockingClient.await(root.client().maintenance().snapshot(eps.get(0), file,
            (done, total) -> bar.update(done, total, ProgressBar.bytes(done) + " / " + ProgressBar.bytes(total))));
      } finally {
        bar.finish();
      }
      Map<String, Object> j = Json.object();
      j.put("path", f.path().toString());
      j.put("size", f.size());
      j.put("sha256_verified", f.checksumVerified());
      root.printer().line("Snapshot saved at " + f.path(), j);
      return ExitCode.SUCCESS;
    }
  }

  @Command(name = "restore", description = "Restores a data directory from a snapshot file.")
  static final class Restore implements Callable<Integer> {
    @ParentCommand
    SnapshotCommand snapshot;

    @Parameters(index = "0", paramLabel = "filename")
    Path file;

    @Option(names = "--data-dir", required = true, description = "path to the data directory to create")
    Path dataDir;

    @Option(names = "--format", defaultValue = "auto",
        description = "snapshot format: auto (recognized by its contents) or a format name (built in: etcd-bbolt)")
    String format;

    @Option(names = "--skip-hash-check", description = "ignore a missing snapshot integrity hash")
    boolean skipHashCheck;

    @Override
    public Integer call() throws IOException {
      RaftKvCli root = snapshot.root;
      if (!Files.isRegularFile(file)) {
        throw new IOException("snapshot file " + file + " not found");
      }
      if (Files.exists(dataDir)) {
        try (Stream<Path> entries = Files.list(dataDir)) {
          if (entries.findAny().isPresent()) {
            throw new ExitCode.InvalidInputException("data-dir " + dataDir + " exists and is not empty");
          }
        }
      }
      SnapshotFormat chosen = null;
      for (SnapshotFormat f : SnapshotFormat.all()) {
        if (format.equals("auto") ? f.recognizes(file) : f.name().equals(format)) {
          chosen = f;
          break;
        }
      }
      if (chosen == null) {
        throw new ExitCode.InvalidInputException(format.equals("auto")
            ? "no known snapshot format recognizes " + file + " (known: "
                + SnapshotFormat.all().stream().map(SnapshotFormat::name).toList() + ")"
            : "unknown snapshot format " + format);
      }
      ProgressBar bar = new ProgressBar(root.err(), "Restore");
      String done;
      try {
        done = chosen.restore(file, dataDir, skipHashCheck,
            (d, t) -> bar.update(d, t, ProgressBar.bytes(d) + " / " + ProgressBar.bytes(t)));
      } finally {
        bar.finish();
      }
      Map<String, Object> j = Json.object();
      j.put("format", chosen.name());
      j.put("data_dir", dataDir.toString());
      root.printer().line(done, j);
      return ExitCode.SUCCESS;
    }
  }
}
