package io.raftkv.client;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The entry point of the SDK: a client of a RaftKV (or any etcd v3) cluster.
 * <pre>{@code
 * try (RaftKvClient client = RaftKvClient.builder().endpoints("127.0.0.1:2379", "127.0.0.1:22379").build()) {
 *   client.kv().put("greeting", "hello").join();
 *   String v = client.blocking().get("greeting").first().orElseThrow().value().toString();
 * }
 * }</pre>
 * Every call returns a {@link java.util.concurrent.CompletableFuture}; {@link #blocking()} waits
 * on them. One channel per endpoint is shared by all services. {@link #close()} releases
 * everything: watches, keep-alives, channels and threads.
 */
public final class RaftKvClient implements AutoCloseable {
  private final ClientConfig config;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService callbacks;
  private final ChannelPool pool;
  private final Failover failover;
  private final KvClient kv;
  private final WatchClient watch;
  private final LeaseClient lease;
  private final ClusterClient cluster;
  private final MaintenanceClient maintenance;
  private final BlockingClient blocking;

  private RaftKvClient(ClientConfig config) {
    this.config = config;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setNameFormat("raftkv-client-timer-%d").setDaemon(true).build());
    this.callbacks = Executors.newCachedThreadPool(
        new ThreadFactoryBuilder().setNameFormat("raftkv-client-callback-%d").setDaemon(true).build());
    this.pool = new ChannelPool(config, callbacks);
    this.failover = new Failover(pool, scheduler, config);
    this.kv = new KvClient(failover);
    this.watch = new WatchClient(failover, scheduler, callbacks);
    this.lease = new LeaseClient(failover, scheduler);
    this.cluster = new ClusterClient(failover);
    this.maintenance = new MaintenanceClient(failover);
    this.blocking = new BlockingClient(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  public ClientConfig config() {
    return config;
  }

  /** The endpoints as {@code host:port}. */
  public List<String> endpoints() {
    return pool.endpoints();
  }

  public KvClient kv() {
    return kv;
  }

  public WatchClient watch() {
    return watch;
  }

  public LeaseClient lease() {
    return lease;
  }

  public ClusterClient cluster() {
    return cluster;
  }

  public MaintenanceClient maintenance() {
    return maintenance;
  }

  /** The same API, waiting for each result and throwing {@link RaftKvException}s. */
  public BlockingClient blocking() {
    return blocking;
  }

  /**
   * Opens connections to every endpoint and waits until one is ready, so that the first call
   * does not spend its request timeout on connecting.
   *
   * @throws RaftKvException.UnavailableException if none connects within {@code timeout}
   */
  public void connect(Duration timeout) {
    try {
      if (!pool.awaitAnyReady(timeout)) {
        throw ErrorMapping.fromStatus(io.grpc.Status.UNAVAILABLE.withDescription(
            "no endpoint reachable within " + timeout.toMillis() + " ms (dial timeout)"),
            String.join(",", pool.endpoints()), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ErrorMapping.fromStatus(io.grpc.Status.CANCELLED.withDescription("interrupted while connecting"),
          String.join(",", pool.endpoints()), e);
    }
  }

  /** The scheduler recipes use for timers; owned by the client. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public void close() {
    watch.close();
    lease.close();
    pool.close();
    scheduler.shutdownNow();
    callbacks.shutdown();
    try {
      if (!callbacks.awaitTermination(2, TimeUnit.SECONDS)) {
        callbacks.shutdownNow();
      }
    } catch (InterruptedException e) {
      callbacks.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Builds a client; only the endpoints are required. */
  public static final class Builder {
    private List<String> endpoints = List.of("127.0.0.1:2379");
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(15);
    private int maxRetries = 10;
    private Duration initialBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(1);
    private Duration keepAliveTime = Duration.ofSeconds(30);
    private Duration keepAliveTimeout = Duration.ofSeconds(10);
    private int maxInboundMessageSize = 256 << 20;
    private boolean tls;
    private Optional<Path> trustCertificate = Optional.empty();
    private Optional<Path> clientCertificate = Optional.empty();
    private Optional<Path> clientKey = Optional.empty();

    /** {@code host:port}, optionally with an {@code http://} or {@code https://} scheme. */
    public Builder endpoints(String... endpoints) {
      return endpoints(Arrays.asList(endpoints));
    }

    public Builder endpoints(List<String> endpoints) {
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    /** The deadline of one call, all its retries included (default 15 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    public Builder retryBackoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Builder keepAlive(Duration time, Duration timeout) {
      this.keepAliveTime = time;
      this.keepAliveTimeout = timeout;
      return this;
    }

    /** The largest response accepted (default 256 MiB; gRPC's own default of 4 MiB is too small). */
    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /** Uses TLS with the JVM's default trust store. */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /** Uses TLS, trusting the CA certificates in this PEM file. */
    public Builder trustCertificate(Path caPem) {
      this.tls = true;
      this.trustCertificate = Optional.of(caPem);
      return this;
    }

    /** Mutual TLS: presents this PEM certificate chain and PKCS#8 key. */
    public Builder clientCertificate(Path certPem, Path keyPem) {
      this.tls = true;
      this.clientCertificate = Optional.of(certPem);
      this.clientKey = Optional.of(keyPem);
      return this;
    }

    public ClientConfig config() {
      return new ClientConfig(endpoints, connectTimeout, requestTimeout, maxRetries, initialBackoff, maxBackoff,
          keepAliveTime, keepAliveTimeout, maxInboundMessageSize, tls, trustCertificate, clientCertificate, clientKey);
    }

    public RaftKvClient build() {
      return new RaftKvClient(config());
    }
  }
}
