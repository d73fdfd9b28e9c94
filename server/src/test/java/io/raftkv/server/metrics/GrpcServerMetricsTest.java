package io.raftkv.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls are counted by type, service, method and code, with etcd's (go-grpc-prometheus) names. */
class GrpcServerMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        server = InProcessServerBuilder.forName("grpc-metrics").directExecutor()
                .intercept(new GrpcServerMetrics(registry))
                .addService(health.getHealthService()).build().start();
        channel = InProcessChannelBuilder.forName("grpc-metrics").directExecutor().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void eachCallIsCountedOnceWithItsCode() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        health.check(HealthCheckRequest.getDefaultInstance());
        health.check(HealthCheckRequest.getDefaultInstance());
        assertThatThrownBy(() -> health.check(HealthCheckRequest.newBuilder().setService("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

        String scrape = registry.scrape();

        String labels = "grpc_method=\"Check\",grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"";
        assertThat(scrape).contains(
                "# HELP grpc_server_started_total Total number of RPCs started on the server.\n",
                "grpc_server_started_total{" + labels + "} 3.0\n",
                "# HELP grpc_server_handled_total Total number of RPCs completed on the server, regardless of"
                        + " success or failure.\n",
                "grpc_server_handled_total{grpc_code=\"OK\"," + labels + "} 2.0\n",
                "grpc_server_handled_total{grpc_code=\"NotFound\"," + labels + "} 1.0\n",
                "# TYPE grpc_server_handling_seconds histogram\n",
                "grpc_server_handling_seconds_count{" + labels + "} 3\n");
    }

    @Test
    void goNamesForEveryCode() {
        for (Status.Code code : Status.Code.values()) {
            assertThat(GrpcServerMetrics.etcdCodeName(code)).doesNotContain("_").isNotBlank();
        }
        assertThat(GrpcServerMetrics.etcdCodeName(Status.Code.CANCELLED)).isEqualTo("Canceled");
        assertThat(GrpcServerMetrics.etcdCodeName(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo("ResourceExhausted");
    }
}
