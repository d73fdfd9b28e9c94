package io.raftkv.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.raftkv.proto.etcd.PutRequest;
import io.raftkv.proto.raft.RaftMessageBatch;
import org.rocksdb.RocksDB;
import org.slf4j.LoggerFactory;

/**
 * Start-up work that needs no flag, done on a second thread while the main thread parses the
 * flags (picocli's reflection, about 150 ms on a cold JVM): setting up logging, loading
 * RocksDB's native library, building the protobuf descriptors and initialising gRPC's Netty
 * server classes. A profile of a restarted member put these at a third of its time to open the
 * state machine. Each is an idempotent initialisation that the main thread would otherwise do
 * itself moments later, so nothing depends on this thread finishing: if it fails, the main
 * thread meets (and reports) the same failure where it does that work.
 */
final class StartupPreload {
    private StartupPreload() {}

    static void begin() {
        Thread preload = new Thread(StartupPreload::run, "startup-preload");
        preload.setDaemon(true);
        preload.start();
    }

    private static void run() {
        try {
            LoggerFactory.getILoggerFactory();
            RocksDB.loadLibrary();
            PutRequest.getDescriptor();
            RaftMessageBatch.getDescriptor();
            NettyServerBuilder.forPort(0);
        } catch (RuntimeException | LinkageError e) {
            // The main thread repeats the step that failed and reports it there.
        }
    }
}
