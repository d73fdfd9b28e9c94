package io.raftkv.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.server.api.MaintenanceService;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * etcd's HTTP endpoints: {@code /health}, {@code /livez}, {@code /readyz}, {@code /version} and
 * {@code /metrics} (Prometheus).
 * Served on the metrics URL (etcd's --listen-metrics-urls) rather than multiplexed on the gRPC
 * client port.
 */
public final class HttpEndpoints implements AutoCloseable {
    public static final String RAFTKV_VERSION = "0.1.0";

    private final HttpServer server;

    public HttpEndpoints(URI url, BooleanSupplier healthy, PrometheusMeterRegistry registry) throws IOException {
        server = HttpServer.create(new InetSocketAddress(url.getHost(), url.getPort()), 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http-endpoints");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", ex -> {
            boolean ok = healthy.getAsBoolean();
            respond(ex, ok ? 200 : 503, "application/json", "{\"health\":\"" + ok + "\"}");
        });
        // etcd 3.5's probes: alive while the process answers; ready once it serves clients.
        server.createContext("/livez", ex -> respond(ex, 200, "text/plain; charset=utf-8", "ok"));
        server.createContext("/readyz", ex -> {
            boolean ok = healthy.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok" : "failed");
        });
        server.createContext("/version", ex -> respond(ex, 200, "application/json",
                "{\"etcdserver\":\"" + MaintenanceService.ETCD_VERSION + "\",\"etcdcluster\":\"3.5.0\",\"raftkv\":\""
                        + RAFTKV_VERSION + "\"}"));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
