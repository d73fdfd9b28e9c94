package io.raftkv.server.node;

import io.raftkv.storage.WriteDurability;

/**
 * Test-only switches for the fault-injection harness, set through the environment. Never set in
 * production; the node logs loudly when one is on.
 *
 * <p>{@code RAFTKV_TEST_BUG} deliberately breaks a guarantee, to prove the harness's checkers
 * catch a node that does:
 * <ul>
 *   <li>{@code stale-reads}: linearizable reads skip the ReadIndex round and read local state,
 *       so a partitioned member answers with stale data.</li>
 *   <li>{@code unsynced-log}: the Raft log acknowledges appends and votes without fsyncing them
 *       (and keeps them in memory only, as under {@code RAFTKV_TEST_CRASH=lose-unsynced}), so a
 *       crash of every node loses acknowledged entries.</li>
 * </ul>
 *
 * <p>{@code RAFTKV_TEST_CRASH=lose-unsynced} changes no guarantee; it makes a crash as bad as a
 * power loss: every write the node does not fsync (the state machine's batches, which the Raft
 * log covers until the next checkpoint) stays in process memory until RocksDB flushes it, so
 * kill -9 loses everything after the last fsync ({@link WriteDurability#LOSE_UNSYNCED_ON_CRASH}).
 */
final class TestOnlyFaults {
    static final String BUG_VARIABLE = "RAFTKV_TEST_BUG";
    static final String CRASH_VARIABLE = "RAFTKV_TEST_CRASH";
    static final boolean STALE_READS = "stale-reads".equals(System.getenv(BUG_VARIABLE));
    private static final boolean UNSYNCED_LOG = "unsynced-log".equals(System.getenv(BUG_VARIABLE));
    private static final boolean LOSE_UNSYNCED = "lose-unsynced".equals(System.getenv(CRASH_VARIABLE));

    private TestOnlyFaults() {}

    /** How the Raft log writes. */
    static WriteDurability logDurability() {
        if (UNSYNCED_LOG) {
            return WriteDurability.SKIP_FSYNC_AND_LOSE_ON_CRASH;
        }
        return LOSE_UNSYNCED ? WriteDurability.LOSE_UNSYNCED_ON_CRASH : WriteDurability.PRODUCTION;
    }

    /** How the state machine writes. */
    static WriteDurability stateMachineDurability() {
        return LOSE_UNSYNCED || UNSYNCED_LOG ? WriteDurability.LOSE_UNSYNCED_ON_CRASH : WriteDurability.PRODUCTION;
    }

    /** A warning naming every switch that is on, or empty. */
    static String describe() {
        StringBuilder b = new StringBuilder();
        for (String variable : new String[] {BUG_VARIABLE, CRASH_VARIABLE}) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                b.append(b.length() == 0 ? "" : "; ").append("TEST-ONLY ").append(variable).append('=').append(value)
                        .append(" is ON");
            }
        }
        return b.length() == 0 ? "" : b + ": this node deliberately weakens its guarantees or its disk";
    }
}
