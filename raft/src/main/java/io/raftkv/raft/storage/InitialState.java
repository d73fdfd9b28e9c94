package io.raftkv.raft.storage;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.HardState;

/** What a node restarts from: its last persisted hard state and the membership it last persisted. */
public record InitialState(HardState hardState, ConfState confState) {}
