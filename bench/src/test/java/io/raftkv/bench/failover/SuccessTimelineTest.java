package io.raftkv.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuccessTimelineTest {

    @Test
    void gapSpansTheFaultFromTheLastSuccessBeforeIt() {
        SuccessTimeline timeline = new SuccessTimeline();
        for (long t : new long[] {100, 110, 120, 400, 410}) {
            timeline.record(t);
        }
        // The fault at 125: the longest stretch is 120 -> 400, though 120 is before the window.
        assertThat(timeline.longestGapNanos(125, 500)).isEqualTo(280);
        assertThat(timeline.countBetween(125, 500)).isEqualTo(2);
    }

    @Test
    void aKindThatNeverRecoveredShowsTheWholeWindow() {
        SuccessTimeline timeline = new SuccessTimeline();
        timeline.record(90);
        assertThat(timeline.longestGapNanos(100, 1_000)).isEqualTo(910);
        assertThat(new SuccessTimeline().longestGapNanos(100, 1_000)).isEqualTo(900);
    }

    @Test
    void successesRecordedOutOfOrderCountInTimeOrder() {
        SuccessTimeline timeline = new SuccessTimeline();
        for (long t : new long[] {300, 100, 200, 1_000}) {
            timeline.record(t);
        }
        assertThat(timeline.longestGapNanos(0, 1_000)).isEqualTo(700);
        assertThat(timeline.longestGapNanos(0, 250)).isEqualTo(100);
    }
}
