package io.raftkv.server.config;

import com.google.common.hash.Hashing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * Member and cluster ids derived the way etcd derives them: from the member's sorted peer URLs
 * and the cluster token, so every node computes the same ids without talking to the others.
 */
public final class MemberIds {
    private MemberIds() {}

    public static long memberId(List<URI> peerUrls, String clusterToken) {
        StringBuilder b = new StringBuilder();
        peerUrls.stream().map(URI::toString).sorted().forEach(b::append);
        b.append(clusterToken);
        return nonZero(Hashing.sha256().hashString(b, StandardCharsets.UTF_8).asLong());
    }

    /**
     * A fresh id for a member being added ({@code member add}): the time is mixed in, as etcd
     * does, so re-adding a removed member's peer URLs never yields the id it had.
     */
    public static long newMemberId(List<URI> peerUrls, String clusterToken, long nowMillis) {
        return memberId(peerUrls, clusterToken + "@" + nowMillis);
    }

    public static long clusterId(Collection<Long> memberIds) {
        StringBuilder b = new StringBuilder();
        memberIds.stream().sorted().forEach(id -> b.append(Long.toUnsignedString(id, 16)).append(','));
        return nonZero(Hashing.sha256().hashString(b, StandardCharsets.UTF_8).asLong());
    }

    private static long nonZero(long id) {
        return id == 0 ? 1 : id;
    }
}
