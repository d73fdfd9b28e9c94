package io.raftkv.cli;

import io.raftkv.client.RaftKvException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The CLI's exit codes, numbered like etcdctl's so that scripts written for it keep working.
 * <pre>
 *   0  success
 *   1  the server refused the request (etcd's reason is printed), or a check failed
 *   2  no endpoint could be reached, or the request timed out
 *   3  invalid input (bad txn syntax, malformed ID, ...)
 *   5  interrupted
 *   6  a local file could not be read or written
 * 128  bad command-line arguments
 * </pre>
 */
public final class ExitCode {
  public static final int SUCCESS = 0;
  public static final int ERROR = 1;
  public static final int BAD_CONNECTION = 2;
  public static final int INVALID_INPUT = 3;
  public static final int INTERRUPTED = 5;
  public static final int IO = 6;
  public static final int BAD_ARGS = 128;

  private ExitCode() {}

  static int of(Throwable t) {
    if (t instanceof RaftKvException.UnavailableException || t instanceof RaftKvException.RequestTimeoutException) {
      return BAD_CONNECTION;
    }
    if (t instanceof RaftKvException) {
      return ERROR;
    }
    if (t instanceof InvalidInputException || t instanceof IllegalArgumentException) {
      return INVALID_INPUT;
    }
    if (t instanceof IOException || t instanceof UncheckedIOException) {
      return IO;
    }
    if (t instanceof InterruptedException) {
      return INTERRUPTED;
    }
    return ERROR;
  }

  /** Input the user can fix: a bad txn line, a malformed member ID. */
  static final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidInputException(String message) {
      super(message);
    }
  }

  /** A check the command made failed (unhealthy endpoint, perf below target): exit 1, message already printed. */
  static final class CheckFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckFailedException(String message) {
      super(message);
    }
  }
}
