package io.raftkv.cli;

import io.raftkv.client.SnapshotChecksum;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * etcd's snapshot: a bbolt database file, optionally followed by the 32-byte SHA-256 of it
 * (when streamed by the Snapshot RPC). Restoring writes the database, without the checksum, to
 * {@code <data-dir>/member/snap/db}, where etcd keeps its backend. Unlike etcdctl, this does
 * not rewrite the membership or create a WAL: the result is the raw state for a server that
 * knows how to adopt it.
 */
final class EtcdBoltSnapshotFormat implements SnapshotFormat {
  /** bbolt's meta page magic, a little-endian uint32 right after the 16-byte page header. */
  private static final int BOLT_MAGIC = 0xED0CDAED;

  @Override
  public String name() {
    return "etcd-bbolt";
  }

  @Override
  public boolean recognizes(Path snapshot) throws IOException {
    byte[] head = new byte[20];
    try (InputStream in = Files.newInputStream(snapshot)) {
      if (in.readNBytes(head, 0, head.length) < head.length) {
        return false;
      }
    }
    return ByteBuffer.wrap(head, 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == BOLT_MAGIC;
  }

  @Override
  public String restore(Path snapshot, Path dataDir, boolean skipHashCheck, Progress progress) throws IOException {
    long size = Files.size(snapshot);
    boolean hasHash = SnapshotChecksum.hasChecksum(size);
    if (!skipHashCheck) {
      if (!hasHash) {
        throw new ExitCode.InvalidInputException("snapshot " + snapshot
            + " has no SHA-256 trailer (a copied db file?); use --skip-hash-check to restore it anyway");
      }
      SnapshotChecksum.verify(snapshot);
    }
    Path snapDir = dataDir.resolve("member").resolve("snap");
    Files.createDirectories(snapDir);
    Path db = snapDir.resolve("db");
    long dataSize = hasHash ? size - SnapshotChecksum.SHA256_SIZE : size;
    try (InputStream in = Files.newInputStream(snapshot); OutputStream out = Files.newOutputStream(db)) {
      byte[] buf = new byte[1 << 16];
      long done = 0;
      while (done < dataSize) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, dataSize - done));
        if (n < 0) {
          throw new IOException("snapshot " + snapshot + " ended early");
        }
        out.write(buf, 0, n);
        done += n;
        progress.onProgress(done, dataSize);
      }
    }
    return "restored " + dataSize + " bytes of " + name() + " backend to " + db;
  }
}
