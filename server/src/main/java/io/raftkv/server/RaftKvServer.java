package io.raftkv.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.health.v1.HealthCheckResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.server.api.AuthService;
import io.raftkv.server.api.ClusterService;
import io.raftkv.server.api.KvService;
import io.raftkv.server.api.LeaderProxy;
import io.raftkv.server.api.LeaseService;
import io.raftkv.server.api.MaintenanceService;
import io.raftkv.server.api.NodeGuards;
import io.raftkv.server.config.NodeConfig;
import io.raftkv.server.http.HttpEndpoints;
import io.raftkv.server.http.NodeMetrics;
import io.raftkv.server.metrics.GrpcServerMetrics;
import io.raftkv.server.metrics.ServerMetrics;
import io.raftkv.server.node.FailStop;
import io.raftkv.server.node.LeaderEndpoint;
import io.raftkv.server.node.RaftKvNode;
import io.raftkv.server.transport.RaftTransportService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running RaftKV member: the node plus its network faces — the etcd-compatible gRPC API on
 * the client URLs, the peer protocol on the peer URLs, and /health, /version, /metrics over HTTP.
 */
public final class RaftKvServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftKvServer.class);
    /** etcd clients ping every 2-30 s; grpc-java's default would answer with GOAWAY too_many_pings. */
    private static final long PERMIT_KEEPALIVE_SECONDS = 5;

    private final RaftKvNode node;
    private final List<Server> clientServers = new ArrayList<>();
    private final Server peerServer;
    private final HttpEndpoints http;
    private final LeaderProxy proxy;
    private final MaintenanceService maintenance;
    private final HealthStatusManager health = new HealthStatusManager();
    private final EventLoopCalls clientCalls = EventLoopCalls.forClients();
    private final EventLoopCalls peerCalls = EventLoopCalls.forPeers();
    /**
     * Raft's own event loop: KV calls run on gRPC's shared event loops, and a heartbeat or an
     * append must not queue behind them (a leader that hears no acks within an election timeout
     * steps down).
     */
    private final EventLoopGroup peerLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("grpc-peer-loop", true));
    private final NodeGuards guards;
    private final PrometheusMeterRegistry registry;
    private final GrpcServerMetrics grpcMetrics;
    private final CompletableFuture<Void> clientsServing = new CompletableFuture<>();
    private boolean closed;

    private RaftKvServer(NodeConfig config, FailStop failStop) throws IOException {
        node = RaftKvNode.open(config, failStop, new ServerMetrics());
        proxy = new LeaderProxy(node);
        guards = new NodeGuards(node);
        maintenance = new MaintenanceService(node, proxy);
        // Peers first: the leader reaches this member on its next heartbeat, and the member
        // catches up before it takes any client (see startClientServers).
        URI peerUrl = config.listenPeerUrls().get(0);
        peerServer = NettyServerBuilder.forAddress(new InetSocketAddress(peerUrl.getHost(), peerUrl.getPort()))
                .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(64 << 20)
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(peerLoop)
                .workerEventLoopGroup(peerLoop)
                .directExecutor()
                .callExecutor(peerCalls)
                .addService(new RaftTransportService(node.clusterId(), node::stepPeerMessage, node.snapshotFiles(),
                        node.proposer(), new LeaderEndpoint(node), () -> node.members().all()))
                .build().start();
        node.startConsensus();
        // The metrics library loads hundreds of classes: only once consensus runs, so that it
        // never delays a member's start (its counts are kept meanwhile).
        registry = NodeMetrics.newRegistry();
        node.bindMetrics(registry);
        grpcMetrics = new GrpcServerMetrics(registry);
        http = new HttpEndpoints(config.metricsUrls().get(0), node::serving, registry);
        log.info("member {} ({}) serving peers on {}, HTTP on {}; clients on {} once caught up with the leader",
                config.name(), Long.toUnsignedString(node.memberId(), 16), peerUrl, config.metricsUrls(),
                config.listenClientUrls());
        node.caughtUp().thenRun(() -> startClientServers(config)).whenComplete((v, t) -> {
            if (t != null) {
                clientsServing.completeExceptionally(t);
            }
        });
    }

    /** The older reflection API, which grpcurl and most tools still try first or only. */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService reflectionV1Alpha() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    /**
     * The etcd API opens only once the member has caught up with the cluster (etcd serves once
     * its publish entry is applied): before that, a restarted member would answer serializable
     * reads and watches from state older than what it served before it died. Clients see the
     * port closed meanwhile and use another endpoint.
     */
    private void startClientServers(NodeConfig config) {
        int maxInbound = config.maxRequestBytes() + (512 << 10);
        try {
            synchronized (clientServers) {
                if (closed) {
                    return;
                }
                for (URI url : config.listenClientUrls()) {
                    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(url.getHost(), url.getPort()))
                            .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                            .permitKeepAliveWithoutCalls(true)
                            .maxInboundMessageSize(maxInbound)
                            .directExecutor()
                            .callExecutor(clientCalls)
                            .intercept(grpcMetrics)
                            .addService(new KvService(node, guards))
                            .addService(new LeaseService(node, guards))
                            .addService(new ClusterService(node, proxy))
                            .addService(maintenance)
                            .addService(new AuthService())
                            .addService(health.getHealthService())
                            .addService(ProtoReflectionServiceV1.newInstance())
                            .addService(reflectionV1Alpha());
                    for (io.grpc.ServerServiceDefinition extra : ExtraServices.create(node, guards)) {
                        b.addService(extra);
                    }
                    clientServers.add(b.build().start());
                }
            }
            health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
            log.info("member {} serving clients on {}", config.name(), config.listenClientUrls());
            clientsServing.complete(null);
        } catch (IOException | RuntimeException e) {
            clientsServing.completeExceptionally(e);
        }
    }

    /** Completes once the client servers listen; fails if they could not start (e.g. a port in use). */
    public CompletableFuture<Void> clientsServing() {
        return clientsServing;
    }

    /** Starts a member whose process exits if its Raft or apply thread fails ({@link FailStop#EXIT_PROCESS}). */
    public static RaftKvServer start(NodeConfig config) throws IOException {
        return start(config, FailStop.EXIT_PROCESS);
    }

    public static RaftKvServer start(NodeConfig config, FailStop failStop) throws IOException {
        return new RaftKvServer(config, failStop);
    }

    public RaftKvNode node() {
        return node;
    }

    @Override
    public void close() {
        health.enterTerminalState();
        synchronized (clientServers) {
            closed = true;
        }
        for (Server s : clientServers) {
            s.shutdown();
        }
        peerServer.shutdown();
        try {
            for (Server s : clientServers) {
                s.awaitTermination(2, TimeUnit.SECONDS);
            }
            peerServer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clientServers.forEach(Server::shutdownNow);
        peerServer.shutdownNow();
        peerLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        clientCalls.close();
        peerCalls.close();
        http.close();
        maintenance.close();
        proxy.close();
        node.close();
    }
}
