package io.raftkv.server.node;

import io.raftkv.proto.etcd.Member;
import io.raftkv.proto.raft.MemberRecord;
import io.raftkv.proto.raft.MemberTable;
import io.raftkv.raft.core.ConfChange;
import io.raftkv.storage.snapshot.DurableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every member's name, peer URLs, client URLs and role. Changed only by applied log entries
 * (membership changes and member attributes) or by a restored snapshot, so it is the same on
 * every replica.
 *
 * <p>It is written to {@code members.pb} before the batch holding the change is applied to the
 * state machine: after a crash the file may be ahead of the applied index, and replaying the
 * entry again is harmless because every change here is idempotent.
 */
public final class MemberRegistry {
    private final Path file;
    private final Map<Long, MemberRecord> members = new TreeMap<>(Long::compareUnsigned);

    private MemberRegistry(Path file) {
        this.file = file;
    }

    public static MemberRegistry open(Path file) {
        MemberRegistry registry = new MemberRegistry(file);
        if (Files.exists(file)) {
            try {
                registry.replaceAll(MemberTable.parseFrom(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the member table " + file, e);
            }
        }
        return registry;
    }

    public synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    public synchronized Optional<MemberRecord> get(long id) {
        return Optional.ofNullable(members.get(id));
    }

    public synchronized List<MemberRecord> all() {
        return List.copyOf(members.values());
    }

    public synchronized MemberTable table() {
        return MemberTable.newBuilder().addAllMembers(members.values()).build();
    }

    public synchronized List<Member> asEtcdMembers() {
        return members.values().stream().map(MemberRegistry::toEtcd).toList();
    }

    public static Member toEtcd(MemberRecord r) {
        return Member.newBuilder().setID(r.getId()).setName(r.getName()).addAllPeerURLs(r.getPeerUrlsList())
                .addAllClientURLs(r.getClientUrlsList()).setIsLearner(r.getIsLearner()).build();
    }

    /** Applies a committed membership change; the change's context is the new member's record. */
    public synchronized void apply(ConfChange change) {
        MemberRecord existing = members.get(change.nodeId());
        switch (change.type()) {
            case ADD_VOTER, ADD_LEARNER -> {
                MemberRecord announced = parseContext(change);
                MemberRecord.Builder b = (existing != null ? existing.toBuilder() : MemberRecord.newBuilder())
                        .setId(change.nodeId()).setIsLearner(change.type() == ConfChange.Type.ADD_LEARNER);
                if (announced != null) {
                    if (!announced.getName().isEmpty()) {
                        b.setName(announced.getName());
                    }
                    if (announced.getPeerUrlsCount() > 0) {
                        b.clearPeerUrls().addAllPeerUrls(announced.getPeerUrlsList());
                    }
                }
                members.put(change.nodeId(), b.build());
            }
            case PROMOTE_LEARNER -> {
                if (existing != null) {
                    members.put(change.nodeId(), existing.toBuilder().setIsLearner(false).build());
                }
            }
            case REMOVE_NODE -> members.remove(change.nodeId());
        }
        persist();
    }

    /** A member announced its name and client URLs, or an operator updated its peer URLs. */
    public synchronized void update(long id, Optional<String> name, Optional<List<String>> clientUrls,
                                    Optional<List<String>> peerUrls) {
        MemberRecord existing = members.get(id);
        if (existing == null) {
            return; // removed meanwhile: nothing to update
        }
        MemberRecord.Builder b = existing.toBuilder();
        name.ifPresent(b::setName);
        clientUrls.ifPresent(urls -> b.clearClientUrls().addAllClientUrls(urls));
        peerUrls.ifPresent(urls -> b.clearPeerUrls().addAllPeerUrls(urls));
        members.put(id, b.build());
        persist();
    }

    /** Replaces the whole table (snapshot restore, or the initial cluster of a new node). */
    public synchronized void replaceAll(MemberTable table) {
        members.clear();
        for (MemberRecord r : table.getMembersList()) {
            members.put(r.getId(), r);
        }
        persist();
    }

    public synchronized void putAll(Collection<MemberRecord> records) {
        for (MemberRecord r : records) {
            members.put(r.getId(), r);
        }
        persist();
    }

    private static MemberRecord parseContext(ConfChange change) {
        if (change.context().length == 0) {
            return null;
        }
        try {
            return MemberRecord.parseFrom(change.context());
        } catch (IOException e) {
            return null; // an unreadable context still changes the membership, just without names
        }
    }

    private void persist() {
        try {
            DurableFile.replace(file, table().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the member table " + file, e);
        }
    }
}
