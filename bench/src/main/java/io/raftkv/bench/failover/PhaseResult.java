package io.raftkv.bench.failover;

/**
 * What one fault did to the cluster. Times are seconds; {@code null} means "not reached before the
 * deadline".
 *
 * @param node the member faulted (1-based, as scripts/cluster numbers them)
 * @param leaderAfter from the fault to the first Status in which a surviving member reports a
 *     leader other than the faulted member (or the same one in a later term)
 * @param servingAfter from {@code scripts/cluster start} (or SIGCONT) to the first successful
 *     linearizable read and write through the faulted member's endpoint
 * @param probeWriteAfter from the restart to the first write through the member alone ({@code null}: never)
 * @param probeReadAfter the same for the first linearizable read
 * @param probeWriteError why the last write through the member before its first success failed
 *     ({@code null}: the first one succeeded)
 * @param probeReadError the same for reads
 * @param writeGap the longest stretch without a successful write (all clients), from the fault
 *     until the member served again and the cluster settled
 * @param readGap the same for linearizable reads
 */
record PhaseResult(
        int round,
        Fault fault,
        int node,
        Double leaderAfter,
        Double servingAfter,
        Double probeWriteAfter,
        Double probeReadAfter,
        String probeWriteError,
        String probeReadError,
        double writeGap,
        double readGap,
        int writes,
        int reads) {

    boolean recovered() {
        return leaderAfter != null && servingAfter != null;
    }
}
