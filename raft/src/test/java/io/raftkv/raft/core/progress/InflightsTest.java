package io.raftkv.raft.core.progress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InflightsTest {

    @Test
    void fullByCount() {
        Inflights in = new Inflights(3, 0);
        in.add(1, 10);
        in.add(2, 10);
        assertThat(in.full()).isFalse();
        in.add(3, 10);
        assertThat(in.full()).isTrue();
        in.freeLE(1);
        assertThat(in.full()).isFalse();
        assertThat(in.count()).isEqualTo(2);
    }

    @Test
    void fullByBytes() {
        Inflights in = new Inflights(100, 25);
        in.add(1, 10);
        in.add(2, 10);
        assertThat(in.full()).isFalse();
        in.add(3, 10);
        assertThat(in.full()).isTrue();
        in.freeLE(2);
        assertThat(in.bytes()).isEqualTo(10);
        assertThat(in.full()).isFalse();
    }

    @Test
    void freeingReleasesEverythingUpToTheAcknowledgedIndex() {
        Inflights in = new Inflights(10, 0);
        for (long i = 1; i <= 5; i++) {
            in.add(i * 2, 1);
        }
        in.freeLE(7);
        assertThat(in.count()).isEqualTo(2);
        in.freeFirstOne();
        assertThat(in.count()).isEqualTo(1);
        in.reset();
        assertThat(in.count()).isZero();
        assertThat(in.bytes()).isZero();
    }
}
