package io.raftkv.client;

import java.util.List;

/** A cluster member. {@code name} is empty for a member added but not yet started. */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
  public Member {
    peerUrls = List.copyOf(peerUrls);
    clientUrls = List.copyOf(clientUrls);
  }

  static Member from(io.raftkv.proto.etcd.Member m) {
    return new Member(m.getID(), m.getName(), m.getPeerURLsList(), m.getClientURLsList(), m.getIsLearner());
  }

  public String idHex() {
    return Long.toHexString(id);
  }
}
