package io.raftkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with client certificates against a one-member etcd serving only https with
 * {@code --client-cert-auth}. Certificates are made by openssl for the test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsTest {
  @TempDir
  static Path dir;

  static Process etcd;
  static String endpoint;

  @BeforeAll
  static void startTlsEtcd() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "1", "-subj", "/CN=raftkv-test-ca");
    issue("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
    issue("client", "root", "extendedKeyUsage=clientAuth\n");

    int client;
    int peer;
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      client = a.getLocalPort();
      peer = b.getLocalPort();
    }
    endpoint = "https://127.0.0.1:" + client;
    etcd = new ProcessBuilder(io.raftkv.client.testing.EtcdCluster.etcdBinary(),
        "--name", "tls", "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
        "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
        "--initial-cluster", "tls=http://127.0.0.1:" + peer,
        "--cert-file", dir.resolve("server.crt").toString(), "--key-file", dir.resolve("server.key").toString(),
        "--trusted-ca-file", dir.resolve("ca.crt").toString(), "--client-cert-auth",
        "--logger", "zap", "--log-level", "warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
  }

  private static void issue(String name, String cn, String extensions) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
        "-subj", "/CN=" + cn);
    run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "1", "-extfile", name + ".ext");
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl failed (it is needed to make test certificates): "
          + String.join(" ", cmd) + "\n" + Files.readString(dir.resolve("openssl.log")));
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (etcd != null) {
      etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static RaftKvClient.Builder builder() {
    return RaftKvClient.builder().endpoints(endpoint).requestTimeout(Duration.ofSeconds(3))
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  @Test
  void mutualTlsClientReadsAndWritesAndOthersAreTurnedAway() {
    try (RaftKvClient client = builder().trustCertificate(dir.resolve("ca.crt"))
        .clientCertificate(dir.resolve("client.crt"), dir.resolve("client.key")).build()) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> client.blocking().put("tls/k", "secret").header().revision() > 1);
      assertThat(client.blocking().get("tls/k").first()).map(kv -> kv.value().toString()).contains("secret");
    }
    try (RaftKvClient noClientCert = builder().trustCertificate(dir.resolve("ca.crt")).build()) {
      assertThatThrownBy(() -> noClientCert.blocking().get("tls/k")).isInstanceOf(RaftKvException.class);
    }
    try (RaftKvClient untrusting = builder().tls()
        .clientCertificate(dir.resolve("client.crt"), dir.resolve("client.key")).build()) {
      assertThatThrownBy(() -> untrusting.blocking().get("tls/k")).isInstanceOf(RaftKvException.UnavailableException.class);
    }
  }

  @Test
  void cliTakesCaCertAndClientCertFlags() {
    await().atMost(Duration.ofSeconds(30)).until(() -> CliRun.run(Map.of(), "", "--endpoints", endpoint,
        "--cacert", dir.resolve("ca.crt").toString(), "--cert", dir.resolve("client.crt").toString(),
        "--key", dir.resolve("client.key").toString(), "put", "tls/cli", "v").exitCode == 0);
    CliRun get = CliRun.run(Map.of(), "", "--endpoints", endpoint,
        "--cacert", dir.resolve("ca.crt").toString(), "--cert", dir.resolve("client.crt").toString(),
        "--key", dir.resolve("client.key").toString(), "get", "tls/cli", "--print-value-only");
    assertThat(get.out()).isEqualTo("v\n");
    assertThat(get.exitCode).isZero();
    CliRun plaintext = CliRun.run(Map.of(), "", "--endpoints", endpoint.replace("https", "http"),
        "--command-timeout", "2s", "get", "tls/cli");
    assertThat(plaintext.exitCode).isNotZero();
  }
}
