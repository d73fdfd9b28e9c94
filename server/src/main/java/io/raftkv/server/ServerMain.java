package io.raftkv.server;

import io.raftkv.server.config.ConfigException;
import io.raftkv.server.config.NodeConfig;
import io.raftkv.server.config.NodeFlags;
import picocli.CommandLine;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The node process's entry point (bin/raftkv-server): parses etcd's flags, starts a
 * {@link RaftKvServer} and stops it on SIGTERM. It holds no logger of its own, so logging is set
 * up by {@link StartupPreload} beside the flag parsing instead of before it: every millisecond
 * of start-up is a millisecond a restarted member is not serving.
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) {
        StartupPreload preload = StartupPreload.begin();
        NodeConfig config;
        try {
            config = NodeFlags.parse(args);
        } catch (CommandLine.ParameterException | ConfigException e) {
            System.err.println("raftkv-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config == null) {
            return; // --help or --version was printed
        }
        RaftKvServer server;
        try {
            preload.awaitLogging();
            server = RaftKvServer.start(config);
        } catch (IOException | RuntimeException e) {
            System.err.println("raftkv-server: cannot start member '" + config.name() + "': " + e.getMessage());
            System.exit(1);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        server.clientsServing().exceptionally(e -> {
            System.err.println("raftkv-server: member '" + config.name() + "' cannot serve clients: " + e.getMessage());
            System.exit(1);
            return null;
        });
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
