package io.raftkv.client;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gRPC channel per endpoint, shared by every service of a client, and the choice of which
 * endpoint to talk to next. The current endpoint stays until a call fails on it; then calls
 * move to the next one that does not look down.
 */
final class ChannelPool implements AutoCloseable {
  private final ClientConfig config;
  private final Executor callbackExecutor;
  private final List<String> endpoints;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final AtomicInteger current = new AtomicInteger();
  private volatile boolean closed;

  ChannelPool(ClientConfig config, Executor callbackExecutor) {
    this.config = config;
    this.callbackExecutor = callbackExecutor;
    this.endpoints = config.endpoints().stream().map(ChannelPool::hostPort).toList();
  }

  static String hostPort(String endpoint) {
    String e = endpoint.trim();
    int scheme = e.indexOf("://");
    if (scheme >= 0) {
      e = e.substring(scheme + 3);
    }
    if (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    return e;
  }

  List<String> endpoints() {
    return endpoints;
  }

  /** The endpoint calls go to now: the current one, unless it is known down and another is not. */
  String pick() {
    int start = current.get();
    for (int i = 0; i < endpoints.size(); i++) {
      String e = endpoints.get((start + i) % endpoints.size());
      if (!looksDown(e)) {
        return e;
      }
    }
    // Every endpoint looks down: reconnect at once instead of waiting for gRPC's backoff.
    channels.values().forEach(ManagedChannel::resetConnectBackoff);
    return endpoints.get(start);
  }

  /** Moves calls off {@code endpoint} after a failure there. */
  void markFailed(String endpoint) {
    int idx = endpoints.indexOf(endpoint);
    if (idx >= 0) {
      current.compareAndSet(idx, (idx + 1) % endpoints.size());
    }
  }

  private boolean looksDown(String endpoint) {
    ManagedChannel ch = channels.get(endpoint);
    return ch != null && ch.getState(false) == ConnectivityState.TRANSIENT_FAILURE;
  }

  /**
   * Connects to every endpoint and waits until one connection is ready, or the timeout passes.
   * Returns whether one is ready. Lets a short-lived program (the CLI) spend its dial timeout
   * on connecting, apart from the request timeout.
   */
  boolean awaitAnyReady(java.time.Duration timeout) throws InterruptedException {
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    for (String e : endpoints) {
      watchUntilReady(channel(e), ready);
    }
    return ready.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void watchUntilReady(ManagedChannel ch, java.util.concurrent.CountDownLatch ready) {
    ConnectivityState s = ch.getState(true);
    if (s == ConnectivityState.READY) {
      ready.countDown();
    } else if (s != ConnectivityState.SHUTDOWN && ready.getCount() > 0) {
      ch.notifyWhenStateChanged(s, () -> watchUntilReady(ch, ready));
    }
  }

  ManagedChannel channel(String endpoint) {
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
    return channels.computeIfAbsent(endpoint, this::open);
  }

  private ManagedChannel open(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("endpoint must be host:port, got " + endpoint);
    }
    String host = endpoint.substring(0, colon);
    int port = port(endpoint, endpoint.substring(colon + 1));
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(host, port, credentials())
        .executor(callbackExecutor)
        .maxInboundMessageSize(config.maxInboundMessageSize())
        .keepAliveTime(config.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true)
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    return b.build();
  }

  private static int port(String endpoint, String text) {
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("endpoint " + endpoint + ": the port must be a number from 1 to 65535");
    }
    return port;
  }

  private ChannelCredentials credentials() {
    boolean tls = config.tls() || config.trustCertificate().isPresent()
        || config.endpoints().stream().anyMatch(e -> e.trim().startsWith("https://"));
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (config.trustCertificate().isPresent()) {
        b.trustManager(config.trustCertificate().get().toFile());
      }
      if (config.clientCertificate().isPresent()) {
        b.keyManager(config.clientCertificate().get().toFile(), config.clientKey().orElseThrow().toFile());
      }
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TLS material: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closed = true;
    channels.values().forEach(ManagedChannel::shutdown);
    for (ManagedChannel ch : channels.values()) {
      try {
        if (!ch.awaitTermination(2, TimeUnit.SECONDS)) {
          ch.shutdownNow();
        }
      } catch (InterruptedException e) {
        ch.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
