package io.raftkv.raft.core.progress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    private static Progress progress(long next) {
        return new Progress(next, new Inflights(2, 0), false);
    }

    @Test
    void probeSendsOneAppendAtATime() {
        Progress pr = progress(5);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(1, 10);
        assertThat(pr.isPaused()).isTrue();
        pr.onHeartbeatResponse();
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void replicateStreamsUntilTheWindowIsFull() {
        Progress pr = progress(5);
        pr.maybeUpdate(4);
        pr.becomeReplicate();
        pr.sentEntries(3, 30);
        assertThat(pr.next()).isEqualTo(8);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(1, 10);
        assertThat(pr.isPaused()).isTrue();
        pr.maybeUpdate(7);
        pr.inflights().freeLE(7);
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void aRejectionInProbeUsesTheHintAndIgnoresStaleOnes() {
        Progress pr = progress(10);
        assertThat(pr.maybeDecrTo(5, 3)).isFalse(); // not an answer to our probe at 9
        assertThat(pr.maybeDecrTo(9, 3)).isTrue();
        assertThat(pr.next()).isEqualTo(4);
    }

    @Test
    void aRejectionInReplicateFallsBackToMatch() {
        Progress pr = progress(5);
        pr.maybeUpdate(6);
        pr.becomeReplicate();
        pr.sentEntries(4, 4);
        assertThat(pr.maybeDecrTo(5, 0)).isFalse(); // at or below match: stale
        assertThat(pr.maybeDecrTo(8, 0)).isTrue();
        assertThat(pr.next()).isEqualTo(7);
    }

    @Test
    void snapshotStatePausesUntilProbing() {
        Progress pr = progress(5);
        pr.becomeSnapshot(20);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.snapshotTimedOut(2)).isFalse();
        assertThat(pr.snapshotTimedOut(2)).isTrue();
        pr.becomeProbe();
        assertThat(pr.next()).isEqualTo(21);
        pr.becomeSnapshot(20);
        pr.snapshotFailed();
        pr.becomeProbe();
        assertThat(pr.next()).isEqualTo(1);
    }
}
