package io.raftkv.storage.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a crash leaves either the old or the new content, and the new
 * content survives a power loss once {@link #replace} returns: write a sibling temporary file,
 * fsync it, rename it over the file, fsync the directory (the rename is durable only then).
 */
public final class DurableFile {
    private DurableFile() {}

    public static void replace(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(tmp, content);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        DirectoryInstall.fsyncDirectory(file.toAbsolutePath().getParent());
    }
}
