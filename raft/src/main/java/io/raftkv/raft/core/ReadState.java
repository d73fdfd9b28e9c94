package io.raftkv.raft.core;

/**
 * The answer to {@link RaftNode#readIndex(byte[])}: once this node has applied up to
 * {@code index}, a read started before the request reflects every write committed before it.
 * {@code context} is the caller's own request id, returned as given.
 */
public record ReadState(long index, byte[] context) {}
