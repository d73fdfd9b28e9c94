package io.raftkv.client;

import io.grpc.Status;
import io.raftkv.client.RaftKvException.*;
import java.net.ConnectException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps gRPC failures to typed {@link RaftKvException}s by etcd's exact message text, the way
 * etcd's own clients do (rpctypes.ErrGRPC*): the code alone is ambiguous (UNAVAILABLE is both
 * "no leader" and "connection refused").
 */
public final class ErrorMapping {
  private ErrorMapping() {}

  /** Maps any throwable from a call to the endpoint to the SDK's exception type. */
  public static RaftKvException map(Throwable t, String endpoint) {
    Throwable cause = unwrap(t);
    if (cause instanceof RaftKvException rk) {
      return rk;
    }
    Status status = Status.fromThrowable(cause);
    if (cause instanceof CancellationException) {
      status = Status.CANCELLED.withDescription("request cancelled");
    }
    return fromStatus(status, endpoint, cause);
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static RaftKvException fromStatus(Status status, String endpoint, Throwable cause) {
    Status.Code code = status.getCode();
    String desc = status.getDescription() == null ? "" : status.getDescription();
    String reason = desc.isEmpty() ? code.name().toLowerCase().replace('_', ' ') : desc;
    if (desc.startsWith("etcdserver: ")) {
      String m = desc;
      if (m.equals("etcdserver: mvcc: required revision has been compacted")) {
        return new CompactedException(code, m, endpoint, cause, 0);
      }
      if (m.equals("etcdserver: mvcc: required revision is a future revision")) {
        return new FutureRevisionException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: no leader")) {
        return new NoLeaderException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: leader changed")) {
        return new LeaderChangedException(code, m, endpoint, cause);
      }
      if (m.startsWith("etcdserver: request timed out")) {
        return new RequestTimeoutException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: request is too large")) {
        return new RequestTooLargeException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: too many operations in txn request")) {
        return new TooManyOpsException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: duplicate key given in txn request")) {
        return new DuplicateKeyException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: key not found")) {
        return new KeyNotFoundException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: key is not provided")) {
        return new EmptyKeyException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: requested lease not found")) {
        return new LeaseNotFoundException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: lease already exists")) {
        return new LeaseExistsException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: too large lease TTL")) {
        return new LeaseTtlTooLargeException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: mvcc: database space exceeded")) {
        return new NoSpaceException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: too many requests")) {
        return new TooManyRequestsException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: authentication is not enabled")) {
        return new AuthNotEnabledException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: member not found")) {
        return new MemberNotFoundException(code, m, endpoint, cause);
      }
      if (m.equals("etcdserver: rpc not supported for learner")) {
        return new LearnerNotSupportedException(code, m, endpoint, cause);
      }
      return new ServerException(code, m, endpoint, cause);
    }
    if (code == Status.Code.RESOURCE_EXHAUSTED
        && (desc.contains("message larger than max") || desc.contains("message exceeds maximum size"))) {
      // gRPC's own frame limit, hit before etcd's request-size check: the same condition for the
      // caller. grpc-go (etcd) says "larger than max", grpc-java (RaftKV) "exceeds maximum size".
      return new RequestTooLargeException(code, desc, endpoint, cause);
    }
    return switch (code) {
      case UNAVAILABLE -> new UnavailableException(code, connectionReason(reason, status), endpoint, cause);
      // grpc-java reports a connection closed under a call being written as UNKNOWN "channel
      // closed": the member went away, so the outcome is unknown exactly as with UNAVAILABLE.
      case UNKNOWN -> closedUnderTheCall(status.getCause())
          ? new UnavailableException(Status.Code.UNAVAILABLE, "connection closed", endpoint, cause)
          : new ServerException(code, reason, endpoint, cause);
      case DEADLINE_EXCEEDED -> new RequestTimeoutException(code,
          "context deadline exceeded (no answer within the request timeout)", endpoint, cause);
      default -> new ServerException(code, reason, endpoint, cause);
    };
  }

  /** A connection closed under the call: grpc-java's UNKNOWN "channel closed", the same as UNAVAILABLE. */
  static boolean closedUnderTheCall(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
    }
    return false;
  }

  private static String connectionReason(String reason, Status status) {
    if (isConnectionRefused(status.getCause())) {
      return "connection refused";
    }
    return reason;
  }

  /**
   * True when the failure certainly happened before the request left the client: the connection
   * could not be established. gRPC reports such failures as UNAVAILABLE caused by a
   * {@link ConnectException}; anything else UNAVAILABLE may have reached the server.
   */
  static boolean neverSent(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof NotSentException) {
      return true;
    }
    Status s = Status.fromThrowable(c);
    return s.getCode() == Status.Code.UNAVAILABLE && isConnectionRefused(s.getCause());
  }

  private static boolean isConnectionRefused(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
      String m = c.getMessage();
      if (m != null && m.contains("Connection refused")) {
        return true;
      }
    }
    return false;
  }

  /** Thrown by the client itself when it refused to send (e.g. the endpoint's channel is down). */
  static final class NotSentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotSentException(String message) {
      super(message, null, false, false);
    }
  }
}
