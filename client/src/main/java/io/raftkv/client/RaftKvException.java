package io.raftkv.client;

import io.grpc.Status;

/**
 * Every failure the SDK reports. Carries the gRPC status code, the server's reason (etcd's exact
 * message, e.g. {@code etcdserver: mvcc: required revision has been compacted}) and the endpoint
 * that answered, so callers can act on it. Subclasses are mapped from etcd's messages by
 * {@link ErrorMapping}; switch over them with pattern matching.
 */
public abstract sealed class RaftKvException extends RuntimeException
    permits RaftKvException.CompactedException,
        RaftKvException.FutureRevisionException,
        RaftKvException.NoLeaderException,
        RaftKvException.LeaderChangedException,
        RaftKvException.RequestTimeoutException,
        RaftKvException.RequestTooLargeException,
        RaftKvException.TooManyOpsException,
        RaftKvException.DuplicateKeyException,
        RaftKvException.KeyNotFoundException,
        RaftKvException.EmptyKeyException,
        RaftKvException.LeaseNotFoundException,
        RaftKvException.LeaseExistsException,
        RaftKvException.LeaseTtlTooLargeException,
        RaftKvException.NoSpaceException,
        RaftKvException.TooManyRequestsException,
        RaftKvException.AuthNotEnabledException,
        RaftKvException.MemberNotFoundException,
        RaftKvException.LearnerNotSupportedException,
        RaftKvException.UnavailableException,
        RaftKvException.NotLeaderException,
        RaftKvException.LockLostException,
        RaftKvException.SnapshotIntegrityException,
        RaftKvException.ServerException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String reason;
  private final String endpoint;

  RaftKvException(Status.Code code, String reason, String endpoint, Throwable cause) {
    super(endpoint.isEmpty() ? reason : endpoint + ": " + reason, cause);
    this.code = code;
    this.reason = reason;
    this.endpoint = endpoint;
  }

  /** For recipes: a lock or candidacy key vanished because its session's lease ended. */
  public static RaftKvException lockLost(String reason) {
    return new LockLostException(Status.Code.NOT_FOUND, reason, "", null);
  }

  /** For recipes: a leader-only operation by a candidate that is no longer leader. */
  public static RaftKvException notLeader(String reason) {
    return new NotLeaderException(Status.Code.FAILED_PRECONDITION, reason, "", null);
  }

  /** The gRPC status code of the refusal ({@code UNKNOWN} for client-side failures). */
  public Status.Code code() {
    return code;
  }

  /** The server's reason verbatim (etcd's message), or the client's own description. */
  public String reason() {
    return reason;
  }

  /** The endpoint ({@code host:port}) that answered or failed; empty when none was involved. */
  public String endpoint() {
    return endpoint;
  }

  /** A read or watch asked for a revision below the compaction point. {@link #compactRevision()} is the server's compact revision when it told it (watch), 0 otherwise. */
  public static final class CompactedException extends RaftKvException {
    private static final long serialVersionUID = 1L;
    private final long compactRevision;

    CompactedException(Status.Code code, String reason, String endpoint, Throwable cause, long compactRevision) {
      super(code, reason, endpoint, cause);
      this.compactRevision = compactRevision;
    }

    /** The revision the store was compacted at, or 0 when the server did not tell. */
    public long compactRevision() {
      return compactRevision;
    }
  }

  /** A read or compaction asked for a revision above the store's current revision. */
  public static final class FutureRevisionException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    FutureRevisionException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The member answering has no Raft leader. */
  public static final class NoLeaderException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    NoLeaderException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** Leadership changed while the request was in flight; its outcome is unknown for writes. */
  public static final class LeaderChangedException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    LeaderChangedException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The request timed out, at the server or at the client's deadline; its outcome is unknown for writes. */
  public static final class RequestTimeoutException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    RequestTimeoutException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The request exceeds the server's maximum request size. */
  public static final class RequestTooLargeException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    RequestTooLargeException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** A transaction has more compares or operations per branch than the server allows. */
  public static final class TooManyOpsException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    TooManyOpsException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** A transaction branch writes the same key twice. */
  public static final class DuplicateKeyException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    DuplicateKeyException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** ignore_value / ignore_lease on a key that does not exist. */
  public static final class KeyNotFoundException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    KeyNotFoundException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The request names no key. */
  public static final class EmptyKeyException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    EmptyKeyException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The lease does not exist (never granted, revoked or expired). */
  public static final class LeaseNotFoundException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    LeaseNotFoundException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** A lease with the requested ID already exists. */
  public static final class LeaseExistsException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    LeaseExistsException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The requested lease TTL exceeds the server's maximum. */
  public static final class LeaseTtlTooLargeException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    LeaseTtlTooLargeException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The server's storage quota is exhausted (NOSPACE alarm); only reads and deletes work. */
  public static final class NoSpaceException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    NoSpaceException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The server is overloaded (applied index far behind commit). */
  public static final class TooManyRequestsException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    TooManyRequestsException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** Authentication is not enabled on the server. */
  public static final class AuthNotEnabledException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    AuthNotEnabledException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** No member has the given ID. */
  public static final class MemberNotFoundException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    MemberNotFoundException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The member is a learner and does not serve this RPC. */
  public static final class LearnerNotSupportedException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    LearnerNotSupportedException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** No endpoint could be reached, or the endpoint went away (gRPC UNAVAILABLE without an etcd reason). */
  public static final class UnavailableException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    UnavailableException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** A leader-only recipe operation (proclaim, resign) was made by a candidate that is no longer leader. */
  public static final class NotLeaderException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    NotLeaderException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** The lock or election key disappeared while waiting (its session lease expired or was revoked). */
  public static final class LockLostException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    LockLostException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** A snapshot's trailing SHA-256 does not match its contents. */
  public static final class SnapshotIntegrityException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    SnapshotIntegrityException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }

  /** Any other refusal: carries the gRPC code and the server's message verbatim. */
  public static final class ServerException extends RaftKvException {
    private static final long serialVersionUID = 1L;

    ServerException(Status.Code code, String reason, String endpoint, Throwable cause) {
      super(code, reason, endpoint, cause);
    }
  }
}
