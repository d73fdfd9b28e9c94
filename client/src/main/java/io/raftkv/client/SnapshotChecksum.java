package io.raftkv.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * etcd's snapshot integrity rule: a snapshot stream is the database padded to a multiple of 512
 * bytes, followed by the 32-byte SHA-256 of everything before it. A file whose size is
 * {@code 512k + 32} therefore carries a checksum; any other size carries none.
 */
public final class SnapshotChecksum {
  public static final int SHA256_SIZE = 32;

  private SnapshotChecksum() {}

  public static boolean hasChecksum(long size) {
    return size % 512 == SHA256_SIZE;
  }

  /**
   * Verifies the trailing checksum when there is one.
   *
   * @return true if a checksum was present and matched, false if the file carries none
   * @throws RaftKvException.SnapshotIntegrityException if it is present and does not match
   */
  public static boolean verify(Path file) throws IOException {
    long size = Files.size(file);
    if (!hasChecksum(size)) {
      return false;
    }
    MessageDigest sha = sha256();
    byte[] expected = new byte[SHA256_SIZE];
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      long left = size - SHA256_SIZE;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("snapshot " + file + " shorter than its size");
        }
        sha.update(buf, 0, n);
        left -= n;
      }
      if (in.readNBytes(expected, 0, SHA256_SIZE) != SHA256_SIZE) {
        throw new IOException("snapshot " + file + " truncated");
      }
    }
    byte[] actual = sha.digest();
    if (!Arrays.equals(expected, actual)) {
      throw new RaftKvException.SnapshotIntegrityException(io.grpc.Status.Code.DATA_LOSS,
          "snapshot " + file + " fails its SHA-256 check", "", null);
    }
    return true;
  }

  /** Copies the snapshot's contents without its trailing checksum (if any) to {@code target}. */
  public static long copyWithoutChecksum(Path snapshot, Path target) throws IOException {
    long size = Files.size(snapshot);
    long dataSize = hasChecksum(size) ? size - SHA256_SIZE : size;
    try (FileChannel in = FileChannel.open(snapshot, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long done = 0;
      while (done < dataSize) {
        done += in.transferTo(done, dataSize - done, out);
      }
      out.force(true);
    }
    return dataSize;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
