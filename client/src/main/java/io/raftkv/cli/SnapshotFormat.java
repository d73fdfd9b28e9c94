package io.raftkv.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A kind of snapshot file that {@code snapshot restore} can turn into a data directory. The
 * format of RaftKV's own snapshots is the server's to decide: the server module contributes its
 * format through {@link ServiceLoader} (META-INF/services/io.raftkv.cli.SnapshotFormat) without
 * the CLI linking server classes. Built in: {@link EtcdBoltSnapshotFormat}.
 */
public interface SnapshotFormat {
  /** The name given to {@code --format}. */
  String name();

  /** Whether the file looks like this format (magic numbers, headers). */
  boolean recognizes(Path snapshot) throws IOException;

  /**
   * Builds {@code dataDir} (which does not exist yet, or is empty) from the snapshot, reporting
   * bytes written. Verifies the snapshot's integrity first unless {@code skipHashCheck}.
   *
   * @return a one-line description of what was written
   */
  String restore(Path snapshot, Path dataDir, boolean skipHashCheck, Progress progress) throws IOException;

  @FunctionalInterface
  interface Progress {
    void onProgress(long done, long total);
  }

  /** Every known format: the built-in ones first, then those on the class path. */
  static List<SnapshotFormat> all() {
    List<SnapshotFormat> all = new ArrayList<>();
    all.add(new EtcdBoltSnapshotFormat());
    ServiceLoader.load(SnapshotFormat.class).forEach(all::add);
    return all;
  }
}
