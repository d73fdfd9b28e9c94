package io.raftkv.jepsen.client;

/**
 * A failed client call. {@code definite} means the operation certainly did not take effect
 * (the server refused it before applying: compare failed is not an error, but "lease not
 * found" or a rejected request is); otherwise the outcome is unknown (timeout, connection
 * lost, leader lost mid-request).
 */
public final class ClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean definite;

  public ClientException(String message, boolean definite, Throwable cause) {
    super(message, cause);
    this.definite = definite;
  }

  public boolean definite() {
    return definite;
  }
}
