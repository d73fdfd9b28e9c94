package io.raftkv.server.transport;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The peer URL of every member this node may have to reach, kept in step with the membership. */
public final class PeerDirectory {
    private final Map<Long, URI> peers = new ConcurrentHashMap<>();

    public void put(long memberId, URI peerUrl) {
        peers.put(memberId, peerUrl);
    }

    public void remove(long memberId) {
        peers.remove(memberId);
    }

    /** Every member with a known peer URL (this node's own id among them). */
    public Set<Long> members() {
        return Set.copyOf(peers.keySet());
    }

    public Optional<URI> peerUrl(long memberId) {
        return Optional.ofNullable(peers.get(memberId));
    }
}
