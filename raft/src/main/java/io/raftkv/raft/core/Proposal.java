package io.raftkv.raft.core;

/**
 * Where an accepted proposal was appended in the leader's log. It is committed if an entry
 * with this index <em>and</em> term is applied; if the entry applied at {@code index} has
 * another term, the proposal was lost to a leader change and will never commit.
 */
public record Proposal(long index, long term) {}
