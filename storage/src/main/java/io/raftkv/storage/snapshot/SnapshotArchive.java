package io.raftkv.storage.snapshot;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Packs a checkpoint directory (flat: RocksDB checkpoints have no subdirectories) into one
 * byte stream and back, so a snapshot travels as bytes to followers and to etcdctl.
 *
 * <p>Format: "RKVSNAP1", then per file: name length (int), UTF-8 name, size (long), the bytes,
 * their CRC32C (int); then a name length of -1. Unpacking verifies every CRC and refuses
 * names that would leave the target directory.
 */
public final class SnapshotArchive {
    private static final byte[] MAGIC = "RKVSNAP1".getBytes(StandardCharsets.US_ASCII);
    private static final int BUFFER = 64 * 1024;

    private SnapshotArchive() {}

    public static void pack(Path directory, OutputStream sink) throws IOException {
        DataOutputStream out = new DataOutputStream(sink);
        out.write(MAGIC);
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        }
        byte[] buffer = new byte[BUFFER];
        for (Path file : files) {
            byte[] name = file.getFileName().toString().getBytes(StandardCharsets.UTF_8);
            out.writeInt(name.length);
            out.write(name);
            out.writeLong(Files.size(file));
            CRC32C crc = new CRC32C();
            long written = 0;
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    crc.update(buffer, 0, n);
                    written += n;
                }
            }
            if (written != Files.size(file)) {
                throw new IOException("checkpoint file changed while packing: " + file);
            }
            out.writeInt((int) crc.getValue());
        }
        out.writeInt(-1);
        out.flush();
    }

    /** Unpacks into {@code directory} (created, must not exist) and fsyncs every file and the directory. */
    public static void unpack(InputStream source, Path directory) throws IOException {
        DataInputStream in = new DataInputStream(source);
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a RaftKV snapshot (bad magic)");
        }
        Files.createDirectories(directory.getParent());
        Files.createDirectory(directory);
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int nameLength = in.readInt();
            if (nameLength == -1) {
                break;
            }
            if (nameLength <= 0 || nameLength > 4096) {
                throw new IOException("corrupt snapshot: file name length " + nameLength);
            }
            byte[] nameBytes = new byte[nameLength];
            in.readFully(nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            Path target = directory.resolve(name).normalize();
            if (!target.getParent().equals(directory.normalize()) || name.contains("/")) {
                throw new IOException("corrupt snapshot: file name " + name);
            }
            long size = in.readLong();
            CRC32C crc = new CRC32C();
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
                long remaining = size;
                while (remaining > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (n < 0) {
                        throw new EOFException("snapshot truncated in " + name);
                    }
                    out.write(buffer, 0, n);
                    crc.update(buffer, 0, n);
                    remaining -= n;
                }
                out.flush();
                channel.force(true);
            }
            int expected = in.readInt();
            if (expected != (int) crc.getValue()) {
                throw new IOException("corrupt snapshot: checksum mismatch in " + name);
            }
        }
        DirectoryInstall.fsyncDirectory(directory);
    }
}
