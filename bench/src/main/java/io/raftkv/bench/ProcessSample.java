package io.raftkv.bench;

/** One reading of a process from /proc: CPU time used so far (user + system) and resident memory. */
public record ProcessSample(long pid, double cpuSeconds, long rssBytes) {
}
