package io.raftkv.server;

import io.grpc.ServerServiceDefinition;
import io.raftkv.proto.etcd.ResponseHeader;
import io.raftkv.server.api.NodeGuards;
import io.raftkv.server.node.RaftKvNode;
import io.raftkv.server.recipes.ElectionService;
import io.raftkv.server.recipes.LockService;
import io.raftkv.server.watch.WatchContext;
import io.raftkv.server.watch.WatchService;

import java.util.List;

/** Client-port services that are not plain BindableServices (watch carries an interceptor; lock and election are etcd's server-side recipes). */
final class ExtraServices {
    private ExtraServices() {}

    static List<ServerServiceDefinition> create(RaftKvNode node, NodeGuards guards) {
        WatchContext context = new WatchContext() {
            @Override
            public ResponseHeader header() {
                return node.header();
            }

            @Override
            public boolean hasLeader() {
                return node.leaderId() != 0;
            }
        };
        return List.of(new WatchService(node.watchHub(), context).serviceDefinition(),
                new LockService(node).bindService(),
                new ElectionService(node).bindService());
    }
}
