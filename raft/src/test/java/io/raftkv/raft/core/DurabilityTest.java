package io.raftkv.raft.core;

import io.raftkv.raft.storage.MemoryRaftLogStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability contract of {@link Ready}: what a message promises (a vote, an
 * acknowledgement) is on disk before the message leaves; a leader's appends leave at once.
 */
class DurabilityTest {

    private final MemoryRaftLogStorage storage = new MemoryRaftLogStorage();

    private RaftNode follower(long id, Set<Long> voters, Set<TestOnlyBug> bugs) {
        Bootstrap.bootstrap(storage, voters);
        RaftNode n = RaftNode.create(RaftConfig.builder(id, new Random(id)).preVote(false).checkQuorum(false)
                        .maxInflightBytes(0).maxUncommittedBytes(0).injectedBugs(bugs).build(),
                storage, 0, ConfState.EMPTY);
        drain(n);
        return n;
    }

    /** Persists and applies everything pending with a trivial driver. */
    private void drain(RaftNode n) {
        while (n.hasReady()) {
            Ready rd = n.ready();
            storage.append(rd.entries());
            rd.hardState().ifPresent(storage::setHardState);
            for (Entry e : rd.committedEntries()) {
                if (e.type() == Entry.Type.CONF_CHANGE) {
                    n.applyConfChange(ConfChange.decode(e.data()));
                }
            }
            n.advance(rd);
        }
    }

    @Test
    void section5_2_aVoteLeavesOnlyAfterTheHardStateRecordingItIsPersisted() {
        RaftNode n = follower(2, Set.of(1L, 2L, 3L), Set.of());
        n.step(new Message.VoteRequest(1, 2, 2, false, 3, 1, false));
        Ready rd = n.ready();
        assertThat(rd.hardState()).contains(new HardState(2, 1, 3));
        assertThat(rd.mustSync()).isTrue();
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(new Message.VoteResponse(2, 1, 2, false, true));
    }

    @Test
    void section5_3_anAppendAcknowledgementLeavesOnlyAfterTheEntriesArePersisted() {
        RaftNode n = follower(2, Set.of(1L, 2L, 3L), Set.of());
        Entry e = Entry.normal(2, 4, "x".getBytes());
        n.step(new Message.AppendRequest(1, 2, 2, 3, 1, List.of(e), 3));
        Ready rd = n.ready();
        assertThat(rd.entries()).containsExactly(e);
        assertThat(rd.mustSync()).isTrue();
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(new Message.AppendResponse(2, 1, 2, false, 4, 0, 0));
    }

    @Test
    void anAcknowledgementOfAnOlderTermDoesNotLeaveWithTheTruncationOfWhatItAcknowledged() {
        // Seed 874: between two Readys a follower acknowledges 4..5 of term 2 (twice, the append
        // was duplicated), then a term-3 leader truncates its log to 4@3. The Ready persists the
        // truncation; "I hold index 5 of term 2" must not leave with it, or the term-2 leader
        // would count a replica that is gone from disk.
        RaftNode n = follower(2, Set.of(1L, 2L, 3L), Set.of());
        List<Entry> term2 = List.of(Entry.normal(2, 4, "a".getBytes()), Entry.normal(2, 5, "b".getBytes()));
        Message.AppendRequest fromOldLeader = new Message.AppendRequest(1, 2, 2, 3, 1, term2, 3);
        n.step(fromOldLeader);
        n.step(fromOldLeader);
        Entry term3 = Entry.normal(3, 4, "c".getBytes());
        n.step(new Message.AppendRequest(3, 2, 3, 3, 1, List.of(term3), 3));
        Ready rd = n.ready();
        assertThat(rd.entries()).containsExactly(term3);
        assertThat(rd.hardState()).contains(new HardState(3, 0, 3));
        assertThat(rd.messagesAfterPersist()).containsExactly(new Message.AppendResponse(2, 3, 3, false, 4, 0, 0));
    }

    @Test
    void aVoteGrantedInAnOlderTermDoesNotLeaveWithAHardStateOfANewerOne() {
        RaftNode n = follower(2, Set.of(1L, 2L, 3L), Set.of());
        n.step(new Message.VoteRequest(1, 2, 2, false, 3, 1, false));
        n.step(new Message.AppendRequest(3, 2, 3, 3, 1, List.of(), 3));
        Ready rd = n.ready();
        // What is persisted is (term 3, no vote): the grant for term 2 describes nothing on disk.
        assertThat(rd.hardState()).contains(new HardState(3, 0, 3));
        assertThat(rd.messagesAfterPersist()).containsExactly(new Message.AppendResponse(2, 3, 3, false, 3, 0, 0));
    }

    @Test
    void acknowledgementsOfTheCurrentTermSurviveATermlessTruncation() {
        // Within one term nothing is dropped: the leader's own entries replace stale ones past
        // what it was acknowledged, so both acknowledgements still hold after the persist.
        RaftNode n = follower(2, Set.of(1L, 2L, 3L), Set.of());
        n.step(new Message.AppendRequest(3, 2, 3, 3, 1, List.of(Entry.normal(3, 4, "c".getBytes())), 3));
        n.step(new Message.AppendRequest(3, 2, 3, 4, 3, List.of(Entry.normal(3, 5, "d".getBytes())), 3));
        Ready rd = n.ready();
        assertThat(rd.entries()).extracting(Entry::index).containsExactly(4L, 5L);
        assertThat(rd.messagesAfterPersist()).containsExactly(
                new Message.AppendResponse(2, 3, 3, false, 4, 0, 0),
                new Message.AppendResponse(2, 3, 3, false, 5, 0, 0));
    }

    @Test
    void aLeaderDoesNotCountAnAcknowledgementOfAnOlderTerm() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        RaftNode leader = net.node(1);
        long term = leader.status().term();
        long commit = leader.status().commitIndex();
        Proposal p = net.propose(1, "x");
        net.takeQueued(); // the appends never arrive: only the acknowledgements below speak
        leader.step(new Message.AppendResponse(2, 1, term - 1, false, p.index(), 0, 0));
        net.processReadies();
        assertThat(leader.status().commitIndex()).isEqualTo(commit);
        leader.step(new Message.AppendResponse(2, 1, term, false, p.index(), 0, 0));
        net.processReadies();
        assertThat(leader.status().commitIndex()).isEqualTo(p.index());
    }

    @Test
    void theBrokenVariantSendsAcknowledgementsBeforeTheFsync() {
        RaftNode n = follower(2, Set.of(1L, 2L, 3L), Set.of(TestOnlyBug.ACK_BEFORE_PERSIST));
        n.step(new Message.VoteRequest(1, 2, 2, false, 3, 1, false));
        Ready rd = n.ready();
        assertThat(rd.messagesAfterPersist()).isEmpty();
        assertThat(rd.messages()).containsExactly(new Message.VoteResponse(2, 1, 2, false, true));
    }

    @Test
    void aLeadersAppendsLeaveBeforeItsOwnFsyncButItsCopyCountsOnlyAfterIt() {
        TestNetwork net = TestNetwork.of(1, 2, 3, 4, 5);
        net.elect(1);
        RaftNode leader = net.node(1);
        long commit = leader.status().commitIndex();
        Proposal p = leader.propose("x".getBytes());
        Ready rd = leader.ready();
        assertThat(rd.entries()).extracting(Entry::index).containsExactly(p.index());
        assertThat(rd.messages()).filteredOn(m -> m instanceof Message.AppendRequest).hasSize(4);
        // Two followers acknowledge while the leader's own fsync is still running: 2 of 5 is no quorum.
        for (Message m : rd.messages()) {
            if (m.to() == 2 || m.to() == 3) {
                net.node(m.to()).step(m);
            }
        }
        for (long f : List.of(2L, 3L)) {
            Ready fr = net.node(f).ready();
            fr.messagesAfterPersist().forEach(leader::step);
            net.member(f).storage.append(fr.entries());
            net.node(f).advance(fr);
        }
        assertThat(leader.status().commitIndex()).isEqualTo(commit);
        // The leader's fsync completes: now 3 of 5 hold it.
        net.member(1).storage.append(rd.entries());
        leader.advance(rd);
        assertThat(leader.status().commitIndex()).isEqualTo(p.index());
    }

    @Test
    void aSingleVoterCommitsOnlyAfterPersisting() {
        RaftNode n = follower(1, Set.of(1L), Set.of());
        while (n.status().role() != SoftState.Role.CANDIDATE) {
            n.tick();
        }
        // Its own vote counts only once persisted.
        Ready campaign = n.ready();
        assertThat(campaign.hardState().orElseThrow().vote()).isEqualTo(1);
        assertThat(n.status().role()).isEqualTo(SoftState.Role.CANDIDATE);
        storage.setHardState(campaign.hardState().orElseThrow());
        n.advance(campaign);
        assertThat(n.status().role()).isEqualTo(SoftState.Role.LEADER);
        drain(n);
        Proposal p = n.propose("x".getBytes());
        Ready rd = n.ready();
        assertThat(rd.committedEntries()).isEmpty();
        storage.append(rd.entries());
        n.advance(rd);
        Ready next = n.ready();
        assertThat(next.committedEntries()).extracting(Entry::index).containsExactly(p.index());
        assertThat(next.hardState().orElseThrow().commit()).isEqualTo(p.index());
        assertThat(next.mustSync()).isFalse(); // a commit index alone need not be fsynced
        n.advance(next);
    }

    @Test
    void aCrashBeforePersistingLosesOnlyWhatWasNeverAcknowledged() {
        TestNetwork net = TestNetwork.of(1, 2, 3);
        net.elect(1);
        net.propose(1, "x");
        List<Message> appends = net.takeQueued();
        MemoryRaftLogStorage before = net.member(2).storage.copy();
        appends.stream().filter(m -> m.to() == 2).forEach(net.node(2)::step);
        Ready rd = net.node(2).ready();
        assertThat(rd.messagesAfterPersist()).isNotEmpty();
        // Crash here: the persisted state is `before`; the acknowledgement was never sent.
        net.member(2).storage = before;
        net.restart(2);
        assertThat(net.node(2).status().lastIndex()).isEqualTo(before.lastIndex());
        // The leader retransmits, and the entry commits once a quorum really holds it.
        net.tickAll(3);
        assertThat(net.node(2).status().commitIndex()).isEqualTo(net.node(1).status().commitIndex());
        assertThat(net.member(2).appliedData()).containsExactly("x".getBytes());
    }
}
