package io.raftkv.bench.failover;

import java.util.Arrays;

/**
 * When operations of one kind (writes, or reads) succeeded, across all clients, in
 * {@link System#nanoTime()} — enough to find the longest stretch without a success around a fault.
 */
final class SuccessTimeline {
    private long[] times = new long[1 << 14];
    private int size;

    synchronized void record(long nanos) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
        }
        times[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /** Successes in (from, to]. */
    int countBetween(long from, long to) {
        long[] sorted = sortedCopy();
        return upperBound(sorted, to) - upperBound(sorted, from);
    }

    /**
     * The longest time in [from, to] between two successes, counting from the last success at or
     * before {@code from} and up to {@code to} itself, so a kind that never recovered in the window
     * shows the whole window.
     */
    long longestGapNanos(long from, long to) {
        long[] sorted = sortedCopy();
        int first = upperBound(sorted, from);
        long previous = first > 0 ? sorted[first - 1] : from;
        long longest = 0;
        for (int i = first; i < sorted.length && sorted[i] <= to; i++) {
            longest = Math.max(longest, sorted[i] - previous);
            previous = sorted[i];
        }
        return Math.max(longest, to - previous);
    }

    private synchronized long[] sortedCopy() {
        long[] copy = Arrays.copyOf(times, size);
        // Clients record concurrently, so the array is only nearly in order.
        Arrays.sort(copy);
        return copy;
    }

    /** Index of the first element greater than {@code value}. */
    private static int upperBound(long[] sorted, long value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
