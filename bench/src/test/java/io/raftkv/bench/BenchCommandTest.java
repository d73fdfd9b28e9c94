package io.raftkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The CLI fails fast, in one line and with a non-zero exit, on a wrong flag or a dead endpoint. */
class BenchCommandTest {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int bench(String... args) {
        return BenchCommand.commandLine(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownFlagIsOneLineAndExitTwo() {
        assertThat(bench("put", "--clientz", "3")).isEqualTo(2);
        assertThat(err()).startsWith("bench: ").contains("--clientz").hasLineCount(1);
    }

    @Test
    void noLoadAndNoCompareSaysWhatToGive() {
        assertThat(bench()).isEqualTo(2);
        assertThat(err()).contains("--compare").hasLineCount(1);
    }

    @Test
    void aValueThatCannotWorkIsRefusedBeforeAnyConnection() {
        assertThat(bench("put", "--key-size", "2", "--key-space-size", "1000", "--endpoints", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err()).contains("--key-size 2 is too small for --key-space-size 1000").hasLineCount(1);
    }

    @Test
    void aTransactionCannotPutMoreDistinctKeysThanTheKeySpaceHolds() {
        assertThat(bench("txn-put", "--txn-ops", "3", "--endpoints", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err()).contains("--txn-ops 3 needs --key-space-size of at least 3").hasLineCount(1);
    }

    @Test
    @Timeout(30)
    void aDeadEndpointFailsFastNamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(bench("put", "--endpoints", "127.0.0.1:" + port, "--total", "10")).isEqualTo(1);
        assertThat(err()).startsWith("bench: endpoint 127.0.0.1:" + port + " does not answer: UNAVAILABLE")
                .hasLineCount(1);
        assertThat(stdout.size()).isZero();
    }

    @Test
    void helpListsTheLoadsAndCompare() {
        assertThat(bench("--help")).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .contains("put", "range", "txn-put", "watch-latency", "--compare");
    }
}
