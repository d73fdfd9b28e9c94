package io.raftkv.raft.core;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Everything that tunes one node's core. Time is in ticks: the driver decides how long a tick
 * is (the server: heartbeat interval / heartbeatTicks). Built only through {@link #builder},
 * which starts from the production defaults, so a caller states just what it changes and a
 * default lives in one place.
 */
public final class RaftConfig {
    private final long id;
    private final int electionTicks;
    private final int heartbeatTicks;
    private final boolean preVote;
    private final boolean checkQuorum;
    private final long maxMessageBytes;
    private final int maxInflightMessages;
    private final long maxInflightBytes;
    private final long maxUncommittedBytes;
    private final Random random;
    private final Set<TestOnlyBug> injectedBugs;

    private RaftConfig(Builder b) {
        if (b.id == 0) {
            throw new IllegalArgumentException("node id must be non-zero");
        }
        if (b.heartbeatTicks <= 0 || b.electionTicks <= b.heartbeatTicks) {
            throw new IllegalArgumentException(
                    "need 0 < heartbeatTicks < electionTicks, got " + b.heartbeatTicks + " and " + b.electionTicks);
        }
        if (b.maxInflightMessages <= 0) {
            throw new IllegalArgumentException("maxInflightMessages must be positive");
        }
        this.id = b.id;
        this.electionTicks = b.electionTicks;
        this.heartbeatTicks = b.heartbeatTicks;
        this.preVote = b.preVote;
        this.checkQuorum = b.checkQuorum;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxInflightMessages = b.maxInflightMessages;
        this.maxInflightBytes = b.maxInflightBytes;
        this.maxUncommittedBytes = b.maxUncommittedBytes;
        this.random = Objects.requireNonNull(b.random, "random");
        this.injectedBugs = b.injectedBugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(b.injectedBugs));
    }

    /**
     * A builder holding the production defaults: election after 10 ticks, a heartbeat every
     * tick, pre-vote and check-quorum on, 1 MiB of entries per append, 256 appends and 16 MiB in
     * flight per follower, 64 MiB of uncommitted entries at most, no injected bugs.
     *
     * @param id     this node's id, non-zero
     * @param random the core's only source of randomness: seeded by tests
     */
    public static Builder builder(long id, Random random) {
        return new Builder(id, random);
    }

    /** This node's id, non-zero. */
    public long id() {
        return id;
    }

    /** Base election timeout; the real one is random in [e, 2e). */
    public int electionTicks() {
        return electionTicks;
    }

    /** A leader sends heartbeats every this many ticks. */
    public int heartbeatTicks() {
        return heartbeatTicks;
    }

    /** Run a pre-vote round before bumping the term. */
    public boolean preVote() {
        return preVote;
    }

    /** A leader steps down if a quorum has not been heard from for an election timeout. */
    public boolean checkQuorum() {
        return checkQuorum;
    }

    /** Cap on the entry bytes in one AppendRequest (at least one entry is always sent). */
    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Appends in flight to one follower in replicate state. */
    public int maxInflightMessages() {
        return maxInflightMessages;
    }

    /** Entry bytes in flight to one follower (0 = unlimited). */
    public long maxInflightBytes() {
        return maxInflightBytes;
    }

    /** The leader refuses proposals beyond this many uncommitted entry bytes (0 = unlimited). */
    public long maxUncommittedBytes() {
        return maxUncommittedBytes;
    }

    /** The only source of randomness. */
    public Random random() {
        return random;
    }

    /** Test-only broken behaviours; empty in production. */
    public Set<TestOnlyBug> injectedBugs() {
        return injectedBugs;
    }

    public boolean hasBug(TestOnlyBug bug) {
        return injectedBugs.contains(bug);
    }

    /** This configuration with {@code bugs} injected instead of its own. */
    public RaftConfig withInjectedBugs(Set<TestOnlyBug> bugs) {
        return toBuilder().injectedBugs(bugs).build();
    }

    private Builder toBuilder() {
        return builder(id, random).electionTicks(electionTicks).heartbeatTicks(heartbeatTicks).preVote(preVote)
                .checkQuorum(checkQuorum).maxMessageBytes(maxMessageBytes).maxInflightMessages(maxInflightMessages)
                .maxInflightBytes(maxInflightBytes).maxUncommittedBytes(maxUncommittedBytes)
                .injectedBugs(injectedBugs);
    }

    @Override
    public String toString() {
        return "RaftConfig[id=" + Long.toUnsignedString(id, 16) + ", electionTicks=" + electionTicks
                + ", heartbeatTicks=" + heartbeatTicks + ", preVote=" + preVote + ", checkQuorum=" + checkQuorum
                + ", maxMessageBytes=" + maxMessageBytes + ", maxInflightMessages=" + maxInflightMessages
                + ", maxInflightBytes=" + maxInflightBytes + ", maxUncommittedBytes=" + maxUncommittedBytes
                + ", injectedBugs=" + injectedBugs + "]";
    }

    /** Starts from the production defaults (see {@link RaftConfig#builder}); each setter changes one. */
    public static final class Builder {
        private final long id;
        private final Random random;
        private int electionTicks = 10;
        private int heartbeatTicks = 1;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private long maxMessageBytes = 1 << 20;
        private int maxInflightMessages = 256;
        private long maxInflightBytes = 16L << 20;
        private long maxUncommittedBytes = 64L << 20;
        private Set<TestOnlyBug> injectedBugs = Set.of();

        private Builder(long id, Random random) {
            this.id = id;
            this.random = random;
        }

        public Builder electionTicks(int ticks) {
            this.electionTicks = ticks;
            return this;
        }

        public Builder heartbeatTicks(int ticks) {
            this.heartbeatTicks = ticks;
            return this;
        }

        public Builder preVote(boolean on) {
            this.preVote = on;
            return this;
        }

        public Builder checkQuorum(boolean on) {
            this.checkQuorum = on;
            return this;
        }

        public Builder maxMessageBytes(long bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        public Builder maxInflightMessages(int messages) {
            this.maxInflightMessages = messages;
            return this;
        }

        /** 0: unlimited. */
        public Builder maxInflightBytes(long bytes) {
            this.maxInflightBytes = bytes;
            return this;
        }

        /** 0: unlimited. */
        public Builder maxUncommittedBytes(long bytes) {
            this.maxUncommittedBytes = bytes;
            return this;
        }

        public Builder injectedBugs(Set<TestOnlyBug> bugs) {
            this.injectedBugs = bugs;
            return this;
        }

        public RaftConfig build() {
            return new RaftConfig(this);
        }
    }
}
