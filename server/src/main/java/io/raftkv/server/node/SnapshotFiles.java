package io.raftkv.server.node;

import io.raftkv.server.transport.SnapshotStore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The snapshot files under {@code <data-dir>/snap}: packed state machine checkpoints taken here
 * ({@code out/}) and snapshots received from a leader ({@code in/}). Only the newest few are kept.
 */
final class SnapshotFiles implements SnapshotStore {
    private static final int KEEP = 2;
    private final Path out;
    private final Path in;

    SnapshotFiles(Path root) throws IOException {
        this.out = Files.createDirectories(root.resolve("out"));
        this.in = Files.createDirectories(root.resolve("in"));
    }

    static String idFor(long index, long term) {
        return String.format("snap-%016x-%016x", term, index);
    }

    Path newOutgoing(String id) {
        return out.resolve(id + ".pack");
    }

    @Override
    public Path outgoing(String snapshotId) throws IOException {
        Path p = out.resolve(snapshotId + ".pack");
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString());
        }
        return p;
    }

    @Override
    public Path incomingPart(String snapshotId) {
        return in.resolve(snapshotId + ".part");
    }

    @Override
    public Path incomingComplete(String snapshotId) {
        return in.resolve(snapshotId + ".pack");
    }

    /** Deletes all but the newest snapshots this member packed. */
    void pruneOutgoing() throws IOException {
        prune(out, ".pack");
    }

    /**
     * Deletes all but the newest snapshots received; only on the apply thread, which is the
     * one that installs them.
     */
    void pruneIncoming() throws IOException {
        prune(in, ".pack");
    }

    private static void prune(Path dir, String suffix) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + suffix)) {
            ds.forEach(files::add);
        }
        files.sort(Comparator.comparing(Path::getFileName).reversed());
        for (int i = KEEP; i < files.size(); i++) {
            Files.deleteIfExists(files.get(i));
        }
    }
}
