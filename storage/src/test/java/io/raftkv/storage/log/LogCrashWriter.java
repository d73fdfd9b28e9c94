package io.raftkv.storage.log;

import io.raftkv.raft.core.HardState;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The crash test's child: writes to the log store until it is killed. Before each operation it
 * prints {@code BEGIN <op>}, after the call returns {@code DONE}, each line in one write so a kill
 * leaves at most a partial last line. Exits by itself when its parent closes stdin (or dies).
 *
 * <p>Usage: {@code LogCrashWriter <directory> <seed>}
 */
public final class LogCrashWriter {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        Thread orphanWatch = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // the parent never writes; EOF means it is gone
                }
            } catch (IOException ignored) {
                // the parent is gone either way
            }
            Runtime.getRuntime().halt(3);
        });
        orphanWatch.setDaemon(true);
        orphanWatch.start();

        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        try (RocksRaftLogStorage log = RocksRaftLogStorage.open(dir)) {
            print(out, "OPEN " + log.firstIndex() + " " + log.lastIndex());
            while (true) {
                String op = next(log, random);
                print(out, "BEGIN " + op);
                CrashWorkload.perform(log, op);
                print(out, "DONE");
            }
        }
    }

    private static void print(FileOutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Picks the next operation from the store's current state. */
    static String next(RocksRaftLogStorage log, Random random) {
        long first = log.firstIndex();
        long last = log.lastIndex();
        HardState hard = log.initialState().hardState();
        long term = Math.max(Math.max(hard.term(), log.term(last)), 1);
        boolean hasEntries = last >= first;
        int r = random.nextInt(100);
        if (r < 50 || (!hasEntries && r < 80)) {
            return "APPEND " + (last + 1) + " " + (last + 1 + random.nextInt(32)) + " " + term;
        }
        if (r < 62 && hasEntries) {
            long from = first + random.nextInt((int) Math.min(last - first + 1, 64));
            from = Math.max(first, last - (from - first));
            return "APPEND " + from + " " + (from + random.nextInt(8)) + " " + (term + 1);
        }
        if (r < 72) {
            return "HARD " + term + " " + (1 + random.nextInt(3)) + " " + (last == 0 ? 0 : random.nextInt((int) Math.min(last, 1 << 20)) + 1);
        }
        if (r < 82) {
            long to = last + 1 + random.nextInt(16);
            return "SAVE " + (last + 1) + " " + to + " " + term + " " + (1 + random.nextInt(3)) + " " + (last + 1);
        }
        if (r < 96 && hasEntries) {
            long index = first + random.nextInt((int) (last - first + 1));
            return "COMPACT " + index + " " + log.term(index);
        }
        return "INSTALL " + (last + 1 + random.nextInt(20)) + " " + (term + 1);
    }
}
