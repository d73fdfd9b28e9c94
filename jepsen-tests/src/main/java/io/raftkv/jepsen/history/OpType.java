package io.raftkv.jepsen.history;

/**
 * Jepsen's four op types. An operation is an INVOKE followed by exactly one of OK (it took
 * effect and the value is what it observed), FAIL (it certainly did not take effect) or INFO
 * (indeterminate: timeout or lost connection; it may take effect at any later time, or never).
 */
public enum OpType {
  INVOKE, OK, FAIL, INFO
}
