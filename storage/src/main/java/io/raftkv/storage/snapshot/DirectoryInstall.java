package io.raftkv.storage.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Swaps a store's live directory for a fully written one so that a crash at any instant
 * leaves either the old or the new state, never a mix:
 * {@code live.installed} (complete, fsynced) → rename live to {@code live.old} → rename
 * {@code live.installed} to live → fsync the parent → delete {@code live.old}.
 * {@link #recover} finishes or cleans up an interrupted swap before the store opens.
 */
public final class DirectoryInstall {
    private DirectoryInstall() {}

    public static Path installedPath(Path live) {
        return live.resolveSibling(live.getFileName() + ".installed");
    }

    public static Path stagingPath(Path live) {
        return live.resolveSibling(live.getFileName() + ".installing");
    }

    private static Path oldPath(Path live) {
        return live.resolveSibling(live.getFileName() + ".old");
    }

    /** Marks a fully written, fsynced staging directory as ready (an atomic rename). */
    public static void markComplete(Path live) throws IOException {
        Files.move(stagingPath(live), installedPath(live), StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(live.getParent());
    }

    /** Replaces {@code live} by its ready sibling; the store must be closed. */
    public static void swap(Path live) throws IOException {
        Path installed = installedPath(live);
        Path old = oldPath(live);
        if (Files.exists(live)) {
            deleteTree(old);
            Files.move(live, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(installed, live, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(live.getParent());
        deleteTree(old);
    }

    /** Completes a swap a crash interrupted, and drops a half-written staging directory. */
    public static void recover(Path live) throws IOException {
        deleteTree(stagingPath(live));
        if (Files.exists(installedPath(live))) {
            swap(live);
        } else if (!Files.exists(live) && Files.exists(oldPath(live))) {
            Files.move(oldPath(live), live, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(live.getParent());
        }
        deleteTree(oldPath(live));
    }

    public static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
