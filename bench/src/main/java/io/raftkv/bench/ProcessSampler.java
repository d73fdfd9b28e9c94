package io.raftkv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's CPU time from /proc/PID/stat (utime + stime) and its resident set from
 * /proc/PID/status (VmRSS), so a benchmark can charge each node the CPU a load cost it.
 * Linux only; a process that has gone away is a {@link BenchException} naming its pid.
 */
public final class ProcessSampler {
    /** USER_HZ: the unit of utime and stime. 100 on every Linux ABI the JVM runs on (x86, arm64). */
    static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcessSampler() {
    }

    public static ProcessSample sample(long pid) {
        return new ProcessSample(pid, cpuSeconds(pid), rssBytes(pid));
    }

    public static double cpuSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return parseCpuTicks(stat) / CLOCK_TICKS_PER_SECOND;
    }

    public static long rssBytes(long pid) {
        return parseRssBytes(read(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** utime + stime in clock ticks; the command name in parentheses may itself hold spaces and ')'. */
    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        // After "pid (comm) " come: state(3) ppid(4) ... utime(14) stime(15), 1-based as in proc(5).
        String[] fields = stat.substring(close + 2).trim().split(" ");
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }

    static long parseRssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024; // always kB in /proc
            }
        }
        return 0; // a zombie has no VmRSS line
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new BenchException("cannot read " + path + ": process " + path.getParent().getFileName()
                    + " has exited (a node died during the load?)");
        }
    }
}
