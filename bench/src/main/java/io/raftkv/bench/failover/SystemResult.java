package io.raftkv.bench.failover;

import java.util.List;

/**
 * One system's run: every phase, and the final check that each acknowledged write is still there.
 *
 * @param missingWrites acknowledged writes not found at the end; {@code null} if they could not be read back
 * @param missingKeys the first few acknowledged keys not found at the end
 * @param staleReads the first few linearizable reads that missed an already acknowledged write
 * @param error why the rounds stopped early, or {@code null} if they all ran
 */
record SystemResult(
        String system,
        List<PhaseResult> phases,
        int acknowledgedWrites,
        Integer missingWrites,
        List<String> missingKeys,
        int staleReadCount,
        List<String> staleReads,
        long failedWrites,
        long failedReads,
        String error) {

    boolean passed() {
        return error == null && missingWrites != null && missingWrites == 0 && staleReadCount == 0 && phases.stream().allMatch(PhaseResult::recovered);
    }
}
