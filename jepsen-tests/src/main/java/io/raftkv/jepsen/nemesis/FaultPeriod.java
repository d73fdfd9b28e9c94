package io.raftkv.jepsen.nemesis;

/** A fault as it happened: which nemesis, what it did, from when to when (history time). */
public record FaultPeriod(String nemesis, String description, long start, long end) {}
