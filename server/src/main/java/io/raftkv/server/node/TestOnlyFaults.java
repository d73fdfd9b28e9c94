package io.raftkv.server.node;

/**
 * Deliberately broken behaviours, switched on only by the fault-injection harness through the
 * environment variable {@code RAFTKV_TEST_BUG}, to prove that its checkers catch a node that
 * breaks a guarantee. Never set in production; the node logs loudly when one is on.
 *
 * <ul>
 *   <li>{@code stale-reads}: linearizable reads skip the ReadIndex round and read local state,
 *       so a partitioned member answers with stale data.</li>
 * </ul>
 */
final class TestOnlyFaults {
    static final String VARIABLE = "RAFTKV_TEST_BUG";
    static final boolean STALE_READS = "stale-reads".equals(System.getenv(VARIABLE));

    private TestOnlyFaults() {}

    static String describe() {
        String value = System.getenv(VARIABLE);
        return value == null || value.isBlank() ? "" : "TEST-ONLY FAULT " + VARIABLE + "=" + value
                + " is ON: this node deliberately breaks its guarantees";
    }
}
