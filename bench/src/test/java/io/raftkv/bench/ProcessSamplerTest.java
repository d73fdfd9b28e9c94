package io.raftkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessSamplerTest {
    @Test
    void cpuTicksAreUtimePlusStimeEvenWhenTheCommandNameHoldsSpacesAndParentheses() {
        String stat = "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 30 0 100 "
                + "1000000 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessSampler.parseCpuTicks(stat)).isEqualTo(325);
    }

    @Test
    void rssComesFromVmRssInKilobytes() {
        String status = "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  2048 kB\nThreads:\t12\n";
        assertThat(ProcessSampler.parseRssBytes(status)).isEqualTo(2048L * 1024);
    }

    @Test
    void thisJvmHasSpentCpuAndHoldsMemory() {
        ProcessSample s = ProcessSampler.sample(ProcessHandle.current().pid());
        assertThat(s.cpuSeconds()).isPositive();
        assertThat(s.rssBytes()).isGreaterThan(1 << 20);
    }
}
