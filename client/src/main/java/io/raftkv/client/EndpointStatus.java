package io.raftkv.client;

import java.util.List;

/** One member's view of itself, from the Status RPC. {@code version} is the etcd API version it reports. */
public record EndpointStatus(
    String endpoint,
    Header header,
    String version,
    long dbSize,
    long dbSizeInUse,
    long leader,
    long raftIndex,
    long raftTerm,
    long raftAppliedIndex,
    List<String> errors,
    boolean learner) {

  public EndpointStatus {
    errors = List.copyOf(errors);
  }

  /** The answering member's ID. */
  public long memberId() {
    return header.memberId();
  }

  public boolean isLeader() {
    return header.memberId() == leader;
  }
}
