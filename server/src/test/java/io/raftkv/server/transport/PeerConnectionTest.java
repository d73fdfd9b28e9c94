package io.raftkv.server.transport;

import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which stream failures count as the peer's process being gone: only what its host's kernel
 * does (refuse, reset, close). A timeout is what a live peer behind a slow or cut network
 * gives, and reporting it would let a follower stop honouring a live leader's lease.
 */
class PeerConnectionTest {

    @Test
    void aRefusedOrResetOrClosedConnectionMeansThePeerIsGone() {
        assertThat(PeerConnection.closedByPeerHost(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("Connection refused")).asRuntimeException())).isTrue();
        assertThat(PeerConnection.closedByPeerHost(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new IOException("Connection reset by peer")).asRuntimeException())).isTrue();
        assertThat(PeerConnection.closedByPeerHost(Status.UNAVAILABLE
                .withDescription("Network closed for unknown reason").asRuntimeException())).isTrue();
    }

    @Test
    void timeoutsAndOtherFailuresDoNot() {
        assertThat(PeerConnection.closedByPeerHost(Status.UNAVAILABLE
                .withDescription("Keepalive failed. The connection is likely gone").asRuntimeException())).isFalse();
        assertThat(PeerConnection.closedByPeerHost(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectTimeoutException("connection timed out")).asRuntimeException())).isFalse();
        assertThat(PeerConnection.closedByPeerHost(Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new SocketTimeoutException()).asRuntimeException())).isFalse();
        assertThat(PeerConnection.closedByPeerHost(Status.DEADLINE_EXCEEDED.asRuntimeException())).isFalse();
        assertThat(PeerConnection.closedByPeerHost(Status.FAILED_PRECONDITION
                .withDescription("raftkv: message from cluster 1, this is 2").asRuntimeException())).isFalse();
    }
}
