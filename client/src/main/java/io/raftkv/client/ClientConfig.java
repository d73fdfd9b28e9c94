package io.raftkv.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything a {@link RaftKvClient} is built from. Built by {@link RaftKvClient.Builder}.
 *
 * @param endpoints {@code host:port} of each member (schemes {@code http://} and {@code https://} are stripped)
 * @param connectTimeout how long one TCP/TLS connection attempt may take
 * @param requestTimeout the deadline of one SDK call, all its retries included
 * @param maxRetries how many extra attempts a retryable call gets, on the next endpoints
 * @param initialBackoff pause before the first retry; doubles per retry up to {@code maxBackoff}
 * @param keepAliveTime HTTP/2 ping interval on idle connections, so dead peers are noticed
 * @param keepAliveTimeout how long a ping may stay unanswered before the connection is dropped
 * @param maxInboundMessageSize the largest response accepted (etcd's Go client allows 2 GiB; gRPC's default 4 MiB is too small for big ranges)
 * @param tls whether to use TLS; implied by a trust certificate or an {@code https://} endpoint
 * @param trustCertificate PEM file of the CA certificates to trust; empty = the JVM's defaults
 * @param clientCertificate PEM client certificate chain for mutual TLS
 * @param clientKey PEM PKCS#8 private key for {@code clientCertificate}
 */
public record ClientConfig(
    List<String> endpoints,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    int maxInboundMessageSize,
    boolean tls,
    Optional<Path> trustCertificate,
    Optional<Path> clientCertificate,
    Optional<Path> clientKey) {

  public ClientConfig {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is required");
    }
    if (clientCertificate.isPresent() != clientKey.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs its key, and the other way round");
    }
  }
}
