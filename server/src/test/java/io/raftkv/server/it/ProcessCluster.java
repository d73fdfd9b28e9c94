package io.raftkv.server.it;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.proto.etcd.MaintenanceGrpc;
import io.raftkv.proto.etcd.StatusRequest;
import io.raftkv.proto.etcd.StatusResponse;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real RaftKV cluster for integration tests: each member is a separate JVM running
 * {@code RaftKvServer} on loopback with its own data directory, so tests can SIGKILL and
 * restart members like an operator would. Members are numbered from 0.
 */
public final class ProcessCluster implements AutoCloseable {
    private final Path dir;
    private final int size;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final int[] httpPorts;
    private final Process[] processes;
    private final List<String> extraJvmArgs;
    private final List<String> extraFlags;
    /** Members 0..initialSize-1 bootstrap the cluster; the others join it later (MemberAdd). */
    private int initialSize;

    private ProcessCluster(Path dir, int size, List<String> extraJvmArgs, List<String> extraFlags) throws IOException {
        this.dir = dir;
        this.size = size;
        this.extraJvmArgs = extraJvmArgs;
        this.extraFlags = extraFlags;
        this.initialSize = size;
        clientPorts = new int[size];
        peerPorts = new int[size];
        httpPorts = new int[size];
        processes = new Process[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = freePort();
            peerPorts[i] = freePort();
            httpPorts[i] = freePort();
        }
    }

    /** Starts {@code size} members and waits until one of them leads. */
    public static ProcessCluster start(Path dir, int size) throws Exception {
        return start(dir, size, List.of());
    }

    /** Starts {@code size} members with extra node flags (e.g. --snapshot-count 50). */
    public static ProcessCluster start(Path dir, int size, List<String> extraFlags) throws Exception {
        ProcessCluster cluster = new ProcessCluster(dir, size, List.of(), extraFlags);
        for (int i = 0; i < size; i++) {
            cluster.startMember(i);
        }
        cluster.awaitLeader(Duration.ofSeconds(60));
        cluster.awaitServing(Duration.ofSeconds(60));
        return cluster;
    }

    /**
     * Waits until every running member answers a linearizable read, i.e. knows the leader and
     * reaches it over the peer protocol. Right after start a late member may still trigger one
     * more election; tests begin once the cluster has settled, as an operator would.
     */
    public void awaitServing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < size; i++) {
            if (!isRunning(i)) {
                continue;
            }
            int member = i;
            String[] lastError = {"never asked"};
            try {
                await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                        .until(() -> servesLinearizableRead(member, lastError));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("member " + i + " does not serve linearizable reads: " + lastError[0]
                        + "\n" + tails());
            }
        }
    }

    private boolean servesLinearizableRead(int i, String[] lastError) {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", clientPorts[i]).usePlaintext().build();
        try {
            io.raftkv.proto.etcd.KVGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .range(io.raftkv.proto.etcd.RangeRequest.newBuilder()
                            .setKey(com.google.protobuf.ByteString.copyFromUtf8("health")).build());
            return true;
        } catch (RuntimeException e) {
            lastError[0] = e.toString();
            return false;
        } finally {
            ch.shutdownNow();
        }
    }

    /**
     * Starts the first {@code initialSize} of {@code size} members as a new cluster; the rest
     * have ports reserved and join later, after a MemberAdd, with {@link #startMember(int)}.
     */
    public static ProcessCluster startWithSpares(Path dir, int size, int initialSize) throws Exception {
        ProcessCluster cluster = new ProcessCluster(dir, size, List.of(), List.of());
        cluster.initialSize = initialSize;
        for (int i = 0; i < initialSize; i++) {
            cluster.startMember(i);
        }
        cluster.awaitLeader(Duration.ofSeconds(60));
        cluster.awaitServing(Duration.ofSeconds(60));
        return cluster;
    }

    public String peerUrl(int i) {
        return "http://127.0.0.1:" + peerPorts[i];
    }

    public int size() {
        return size;
    }

    public String endpoint(int i) {
        return "127.0.0.1:" + clientPorts[i];
    }

    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(endpoint(i));
        }
        return out;
    }

    public String endpointList() {
        return String.join(",", endpoints());
    }

    public int httpPort(int i) {
        return httpPorts[i];
    }

    public Path dataDir(int i) {
        return dir.resolve("n" + i);
    }

    public Path logFile(int i) {
        return dir.resolve("n" + i + ".log");
    }

    private String initialCluster(int member) {
        List<String> parts = new ArrayList<>();
        int known = member < initialSize ? initialSize : member + 1;
        for (int i = 0; i < known; i++) {
            parts.add("n" + i + "=http://127.0.0.1:" + peerPorts[i]);
        }
        return String.join(",", parts);
    }

    /** Starts (or restarts on its old data) member {@code i}. */
    public void startMember(int i) throws IOException {
        boolean existing = Files.exists(dataDir(i).resolve("raft"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.raftkv.server.ServerMain");
        cmd.addAll(List.of("--name", "n" + i, "--data-dir", dataDir(i).toString(),
                "--listen-client-urls", "http://127.0.0.1:" + clientPorts[i],
                "--advertise-client-urls", "http://127.0.0.1:" + clientPorts[i],
                "--listen-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                "--initial-cluster", initialCluster(i),
                "--initial-cluster-state", existing || i >= initialSize ? "existing" : "new",
                "--listen-metrics-urls", "http://127.0.0.1:" + httpPorts[i],
                "--heartbeat-interval", "50", "--election-timeout", "500"));
        cmd.addAll(extraFlags);
        processes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(i).toFile())).start();
    }

    /** SIGKILL: the member loses everything not yet on disk, like a crash. */
    public void kill(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null) {
            p.toHandle().destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            processes[i] = null;
        }
    }

    /** SIGTERM and wait: a graceful stop. */
    public void stop(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            processes[i] = null;
        }
    }

    public boolean isRunning(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    public long pid(int i) {
        return processes[i].pid();
    }

    /** etcd's Status of member {@code i}, if it answers within a second. */
    public Optional<StatusResponse> status(int i) {
        if (!isRunning(i)) {
            return Optional.empty();
        }
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", clientPorts[i]).usePlaintext().build();
        try {
            return Optional.of(MaintenanceGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS)
                    .status(StatusRequest.getDefaultInstance()));
        } catch (RuntimeException e) {
            return Optional.empty();
        } finally {
            ch.shutdownNow();
        }
    }

    /** The index of the member that every running member agrees leads, once there is one. */
    public int awaitLeader(Duration timeout) throws InterruptedException {
        try {
            return await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(this::leaderIndex, OptionalInt::isPresent).getAsInt();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no leader within " + timeout + "; logs in " + dir + "\n" + tails());
        }
    }

    /** The leading member, if one claims leadership and is running. */
    public OptionalInt leaderIndex() {
        for (int i = 0; i < size; i++) {
            Optional<StatusResponse> s = status(i);
            if (s.isPresent() && s.get().getLeader() != 0 && s.get().getLeader() == s.get().getHeader().getMemberId()) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The last lines of every member's log, for failure messages. */
    public String tails() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size; i++) {
            try {
                List<String> lines = Files.exists(logFile(i)) ? Files.readAllLines(logFile(i)) : List.of();
                b.append("--- n").append(i).append(" ---\n").append(lines.stream()
                        .skip(Math.max(0, lines.size() - 15)).collect(Collectors.joining("\n"))).append('\n');
            } catch (IOException e) {
                b.append("--- n").append(i).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < size; i++) {
            kill(i);
        }
    }
}
