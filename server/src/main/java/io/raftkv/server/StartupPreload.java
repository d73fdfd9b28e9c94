package io.raftkv.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.raft.RaftMessageBatch;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * Start-up work that needs no flag, done on a second thread while the main thread parses the
 * flags (picocli's reflection, about 150 ms on a cold JVM): setting up logging, building the
 * protobuf descriptors and initialising gRPC's Netty server classes. A profile of a restarted
 * member put these at a third of its time to open the state machine. Each is an idempotent
 * class initialisation the main thread would otherwise run itself moments later.
 *
 * <p>RocksDB's native library is not loaded here: a load that fails on another thread leaves
 * the library "loading" and the main thread waiting 10 s for it, with the cause lost.
 */
final class StartupPreload {
    private final CountDownLatch loggingReady = new CountDownLatch(1);

    private StartupPreload() {}

    static StartupPreload begin() {
        StartupPreload preload = new StartupPreload();
        Thread thread = new Thread(preload::run, "startup-preload");
        thread.setDaemon(true);
        thread.start();
        return preload;
    }

    /**
     * Waits until logging is set up (it normally is before the flags are parsed): a logger taken
     * while slf4j initialises on another thread is a stand-in whose first events are replayed
     * with a warning, or lost.
     */
    void awaitLogging() throws InterruptedException {
        loggingReady.await();
    }

    private void run() {
        try {
            LoggerFactory.getILoggerFactory();
        } catch (RuntimeException | LinkageError e) {
            System.err.println("raftkv-server: setting up logging failed: " + e);
        } finally {
            loggingReady.countDown();
        }
        try {
            PutRequest.getDescriptor();
            RaftMessageBatch.getDescriptor();
            NettyServerBuilder.forPort(0);
        } catch (RuntimeException | LinkageError e) {
            // Only a head start: the main thread initialises these classes again where it uses
            // them, and a failure there stops the node with its cause.
        }
    }
}
