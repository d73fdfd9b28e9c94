package io.raftkv.raft.sim;

import io.raftkv.raft.core.ConfState;
import io.raftkv.raft.core.Entry;
import io.raftkv.raft.core.HardState;
import io.raftkv.raft.core.Message;
import io.raftkv.raft.core.RaftNode;
import io.raftkv.raft.core.SoftState;
import io.raftkv.raft.storage.MemoryRaftLogStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each check fires on a hand-built violation and stays quiet on the legal case next to it. */
class SafetyCheckerTest {

    private final SafetyChecker checker = new SafetyChecker();

    private static RaftNode.Status leader(long id, long term) {
        return new RaftNode.Status(id, term, id, SoftState.Role.LEADER, id, 0, 0, 0,
                ConfState.ofVoters(Set.of(1L, 2L, 3L)));
    }

    private static Entry entry(long term, long index, int data) {
        return Entry.normal(term, index, new byte[] {(byte) data});
    }

    private static MemoryRaftLogStorage log(Entry... entries) {
        MemoryRaftLogStorage log = new MemoryRaftLogStorage();
        log.append(List.of(entries));
        return log;
    }

    @Test
    void twoLeadersInOneTermBreakElectionSafety() {
        checker.observeStatus(leader(1, 5));
        assertThatCode(() -> checker.observeStatus(leader(2, 6))).doesNotThrowAnyException();
        assertThatThrownBy(() -> checker.observeStatus(leader(2, 5)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageStartingWith("ELECTION_SAFETY");
    }

    @Test
    void theSameIndexAndTermAfterDifferentPredecessorsBreaksLogMatching() {
        MemoryRaftLogStorage a = log(entry(1, 1, 1), entry(2, 2, 2), entry(3, 3, 3));
        MemoryRaftLogStorage b = log(entry(1, 1, 1), entry(1, 2, 9), entry(3, 3, 3));
        checker.observeAppend(1, a.entries(1, 4, Long.MAX_VALUE), a);
        assertThatThrownBy(() -> checker.observeAppend(2, b.entries(3, 4, Long.MAX_VALUE), b))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageStartingWith("LOG_MATCHING");
    }

    @Test
    void twoEntriesCommittedAtOneIndexBreakStateMachineSafety() {
        checker.observeCommit(1, 2, 2, log(entry(1, 1, 1), entry(2, 2, 2)));
        assertThatThrownBy(() -> checker.observeCommit(2, 3, 2, log(entry(1, 1, 1), entry(3, 2, 7))))
                .hasMessageStartingWith("STATE_MACHINE_SAFETY");
    }

    @Test
    void aLeaderWithoutAnEarlierCommittedEntryBreaksLeaderCompleteness() {
        checker.observeCommit(1, 2, 2, log(entry(1, 1, 1), entry(2, 2, 2)));
        MemoryRaftLogStorage newLeader = log(entry(1, 1, 1), entry(3, 2, 7), entry(4, 3, 0));
        assertThatThrownBy(() -> checker.observeLeaderAppend(3, 4, newLeader.entries(3, 4, 100), newLeader))
                .hasMessageStartingWith("LEADER_COMPLETENESS");
    }

    @Test
    void committingWhatANewerLogCanStillOverwriteBreaksLeaderCompleteness() {
        // Figure 8: index 2 of term 2 is on 1, 2 and 3, but node 5 holds 2@3 and would win 5, 4 and 3's votes.
        MemoryRaftLogStorage old = log(entry(1, 1, 1), entry(2, 2, 2));
        MemoryRaftLogStorage empty = log(entry(1, 1, 1));
        MemoryRaftLogStorage newer = log(entry(1, 1, 1), entry(3, 2, 3));
        List<SafetyChecker.VoterLogs> voters = List.of(new SafetyChecker.VoterLogs(1, old, old),
                new SafetyChecker.VoterLogs(2, old, old), new SafetyChecker.VoterLogs(3, old, old),
                new SafetyChecker.VoterLogs(4, empty, empty), new SafetyChecker.VoterLogs(5, newer, newer));
        assertThatThrownBy(() -> checker.checkCommitIsSafe(1, 4, 2, old, voters))
                .hasMessageStartingWith("LEADER_COMPLETENESS");

        // Once the leader's own term-4 entry is on the same majority, node 5 can no longer win.
        MemoryRaftLogStorage withOwn = log(entry(1, 1, 1), entry(2, 2, 2), entry(4, 3, 0));
        List<SafetyChecker.VoterLogs> safe = List.of(new SafetyChecker.VoterLogs(1, withOwn, withOwn),
                new SafetyChecker.VoterLogs(2, withOwn, withOwn), new SafetyChecker.VoterLogs(3, withOwn, withOwn),
                new SafetyChecker.VoterLogs(4, empty, empty), new SafetyChecker.VoterLogs(5, newer, newer));
        assertThatCode(() -> checker.checkCommitIsSafe(1, 4, 3, withOwn, safe)).doesNotThrowAnyException();
    }

    @Test
    void anAcknowledgementOfUnsyncedEntriesBreaksTheDurabilityContract() {
        MemoryRaftLogStorage durable = log(entry(1, 1, 1));
        MemoryRaftLogStorage live = log(entry(1, 1, 1), entry(2, 2, 2));
        Message ack = new Message.AppendResponse(2, 1, 2, false, 2, 0, 0);
        assertThatThrownBy(() -> checker.checkAckDurable(2, ack, live, durable))
                .hasMessageStartingWith("ACK_BEFORE_DURABLE");
        assertThatCode(() -> checker.checkAckDurable(2, ack, live, live)).doesNotThrowAnyException();

        durable.setHardState(new HardState(1, 0, 1));
        Message vote = new Message.VoteResponse(2, 1, 2, false, true);
        assertThatThrownBy(() -> checker.checkAckDurable(2, vote, live, durable))
                .hasMessageStartingWith("ACK_BEFORE_DURABLE");
    }
}
