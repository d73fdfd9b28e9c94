package io.raftkv.server.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.raftkv.proto.raft.ConfStatePb;
import io.raftkv.proto.raft.EntryType;
import io.raftkv.proto.raft.LogEntry;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.SnapshotMetadataPb;
import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.Snapshot;
import io.raftkv.raft.core.SnapshotMetadata;

import java.util.HashSet;
import java.util.List;

/** Converts the consensus core's messages to the peer protocol's protobuf and back, losslessly. */
public final class MessageCodec {
    private MessageCodec() {}

    public static RaftMessage encode(Message message) {
        RaftMessage.Builder b = RaftMessage.newBuilder()
                .setFrom(message.from()).setTo(message.to()).setTerm(message.term());
        // Java 17 has no pattern switch; the sealed hierarchy keeps this chain complete.
        if (message instanceof Message.VoteRequest m) {
            b.setType(RaftMessage.Type.VOTE_REQUEST).setPreVote(m.preVote()).setLastLogIndex(m.lastLogIndex())
                    .setLastLogTerm(m.lastLogTerm()).setLeadershipTransfer(m.leadershipTransfer());
        } else if (message instanceof Message.VoteResponse m) {
            b.setType(RaftMessage.Type.VOTE_RESPONSE).setPreVote(m.preVote()).setGranted(m.granted());
        } else if (message instanceof Message.AppendRequest m) {
            b.setType(RaftMessage.Type.APPEND_REQUEST).setPrevLogIndex(m.prevLogIndex())
                    .setPrevLogTerm(m.prevLogTerm()).setCommit(m.commit());
            for (Entry e : m.entries()) {
                b.addEntries(encode(e));
            }
        } else if (message instanceof Message.AppendResponse m) {
            b.setType(RaftMessage.Type.APPEND_RESPONSE).setRejected(m.rejected()).setIndex(m.index())
                    .setRejectHintIndex(m.rejectHintIndex()).setRejectHintTerm(m.rejectHintTerm());
        } else if (message instanceof Message.HeartbeatRequest m) {
            b.setType(RaftMessage.Type.HEARTBEAT_REQUEST).setCommit(m.commit()).setContext(ByteString.copyFrom(m.context()));
        } else if (message instanceof Message.HeartbeatResponse m) {
            b.setType(RaftMessage.Type.HEARTBEAT_RESPONSE).setContext(ByteString.copyFrom(m.context()));
        } else if (message instanceof Message.InstallSnapshotRequest m) {
            b.setType(RaftMessage.Type.INSTALL_SNAPSHOT_REQUEST).setSnapshotMetadata(encode(m.snapshot().metadata()))
                    .setSnapshotData(ByteString.copyFrom(m.snapshot().data()));
        } else if (message instanceof Message.TimeoutNow) {
            b.setType(RaftMessage.Type.TIMEOUT_NOW);
        } else if (message instanceof Message.ReadIndexRequest m) {
            b.setType(RaftMessage.Type.READ_INDEX_REQUEST).setContext(ByteString.copyFrom(m.context()));
        } else if (message instanceof Message.ReadIndexResponse m) {
            b.setType(RaftMessage.Type.READ_INDEX_RESPONSE).setIndex(m.index())
                    .setContext(ByteString.copyFrom(m.context())).setRejected(m.rejected());
        } else {
            throw new IllegalArgumentException("no wire form for " + message.getClass().getSimpleName());
        }
        return b.build();
    }

    /**
     * @throws IllegalArgumentException for a message type this node does not know (a newer peer)
     */
    public static Message decode(RaftMessage m) {
        long from = m.getFrom();
        long to = m.getTo();
        long term = m.getTerm();
        return switch (m.getType()) {
            case VOTE_REQUEST -> new Message.VoteRequest(from, to, term, m.getPreVote(), m.getLastLogIndex(),
                    m.getLastLogTerm(), m.getLeadershipTransfer());
            case VOTE_RESPONSE -> new Message.VoteResponse(from, to, term, m.getPreVote(), m.getGranted());
            case APPEND_REQUEST -> new Message.AppendRequest(from, to, term, m.getPrevLogIndex(), m.getPrevLogTerm(),
                    m.getEntriesList().stream().map(MessageCodec::decode).toList(), m.getCommit());
            case APPEND_RESPONSE -> new Message.AppendResponse(from, to, term, m.getRejected(), m.getIndex(),
                    m.getRejectHintIndex(), m.getRejectHintTerm());
            case HEARTBEAT_REQUEST -> new Message.HeartbeatRequest(from, to, term, m.getCommit(), m.getContext().toByteArray());
            case HEARTBEAT_RESPONSE -> new Message.HeartbeatResponse(from, to, term, m.getContext().toByteArray());
            case INSTALL_SNAPSHOT_REQUEST -> new Message.InstallSnapshotRequest(from, to, term,
                    new Snapshot(decode(m.getSnapshotMetadata()), m.getSnapshotData().toByteArray()));
            case TIMEOUT_NOW -> new Message.TimeoutNow(from, to, term);
            case READ_INDEX_REQUEST -> new Message.ReadIndexRequest(from, to, term, m.getContext().toByteArray());
            case READ_INDEX_RESPONSE -> new Message.ReadIndexResponse(from, to, term, m.getIndex(),
                    m.getContext().toByteArray(), m.getRejected());
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown Raft message type " + m.getTypeValue()
                    + " from " + Long.toUnsignedString(from, 16));
        };
    }

    /**
     * Wraps the entry's data without copying: the leader encodes every entry once per follower,
     * and entries are never modified once created (the log, the core and the codec share them).
     */
    public static LogEntry encode(Entry e) {
        return LogEntry.newBuilder().setTerm(e.term()).setIndex(e.index())
                .setType(e.type() == Entry.Type.NORMAL ? EntryType.ENTRY_NORMAL : EntryType.ENTRY_CONF_CHANGE)
                .setData(UnsafeByteOperations.unsafeWrap(e.data())).build();
    }

    public static Entry decode(LogEntry e) {
        Entry.Type type = switch (e.getType()) {
            case ENTRY_NORMAL -> Entry.Type.NORMAL;
            case ENTRY_CONF_CHANGE -> Entry.Type.CONF_CHANGE;
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown entry type " + e.getTypeValue()
                    + " at index " + e.getIndex());
        };
        return new Entry(e.getTerm(), e.getIndex(), type, e.getData().toByteArray());
    }

    public static SnapshotMetadataPb encode(SnapshotMetadata md) {
        return SnapshotMetadataPb.newBuilder().setIndex(md.index()).setTerm(md.term())
                .setConfState(encode(md.confState())).build();
    }

    public static SnapshotMetadata decode(SnapshotMetadataPb md) {
        return new SnapshotMetadata(md.getIndex(), md.getTerm(), decode(md.getConfState()));
    }

    public static ConfStatePb encode(ConfState cs) {
        return ConfStatePb.newBuilder().addAllVoters(cs.voters().stream().sorted().toList())
                .addAllLearners(cs.learners().stream().sorted().toList()).build();
    }

    public static ConfState decode(ConfStatePb cs) {
        return new ConfState(new HashSet<>(cs.getVotersList()), new HashSet<>(cs.getLearnersList()));
    }

    static List<Message> decodeAll(List<RaftMessage> messages) {
        return messages.stream().map(MessageCodec::decode).toList();
    }
}
