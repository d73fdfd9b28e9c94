package io.raftkv.client;

import io.raftkv.proto.etcd.ResponseHeader;

/** The header of every response: which cluster and member answered, at which store revision. */
public record Header(long clusterId, long memberId, long revision, long raftTerm) {
  static Header from(ResponseHeader h) {
    return new Header(h.getClusterId(), h.getMemberId(), h.getRevision(), h.getRaftTerm());
  }
}
