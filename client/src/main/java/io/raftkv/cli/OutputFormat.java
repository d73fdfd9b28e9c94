package io.raftkv.cli;

/** {@code -w}: how results are printed. Table applies to list-like results; others print as simple. */
public enum OutputFormat {
  simple, json, table
}
