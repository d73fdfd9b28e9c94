package io.raftkv.raft.core;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * Everything that tunes one node's core. Time is in ticks: the driver decides how long a
 * tick is (the server: heartbeat interval / heartbeatTicks).
 *
 * @param id                        this node's id, non-zero
 * @param electionTicks             base election timeout; the real one is random in [e, 2e)
 * @param heartbeatTicks            a leader sends heartbeats every this many ticks
 * @param preVote                   run a pre-vote round before bumping the term
 * @param checkQuorum               a leader steps down if a quorum has not been heard from for an election timeout
 * @param maxMessageBytes           cap on the entry bytes in one AppendRequest (at least one entry is always sent)
 * @param maxInflightMessages       appends in flight to one follower in replicate state
 * @param maxInflightBytes          entry bytes in flight to one follower (0 = unlimited)
 * @param maxUncommittedBytes       leader refuses proposals beyond this many uncommitted entry bytes (0 = unlimited)
 * @param random                    the only source of randomness: seeded by tests
 * @param injectedBugs              test-only broken behaviours; empty in production
 */
public record RaftConfig(
        long id,
        int electionTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        long maxMessageBytes,
        int maxInflightMessages,
        long maxInflightBytes,
        long maxUncommittedBytes,
        Random random,
        Set<TestOnlyBug> injectedBugs) {

    public RaftConfig {
        if (id == 0) {
            throw new IllegalArgumentException("node id must be non-zero");
        }
        if (heartbeatTicks <= 0 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException(
                    "need 0 < heartbeatTicks < electionTicks, got " + heartbeatTicks + " and " + electionTicks);
        }
        if (maxInflightMessages <= 0) {
            throw new IllegalArgumentException("maxInflightMessages must be positive");
        }
        injectedBugs = injectedBugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(injectedBugs));
    }

    /** Production defaults: pre-vote and check-quorum on, 1 MiB messages, 256 in flight, 64 MiB uncommitted. */
    public static RaftConfig defaults(long id, Random random) {
        return new RaftConfig(id, 10, 1, true, true, 1 << 20, 256, 0, 64L << 20, random, Set.of());
    }

    public boolean hasBug(TestOnlyBug bug) {
        return injectedBugs.contains(bug);
    }

    public RaftConfig withInjectedBugs(Set<TestOnlyBug> bugs) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes,
                maxInflightMessages, maxInflightBytes, maxUncommittedBytes, random, bugs);
    }
}
