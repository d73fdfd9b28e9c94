package io.raftkv.server;

import io.grpc.BindableService;
import io.raftkv.server.api.NodeGuards;
import io.raftkv.server.node.RaftKvNode;

import java.util.List;

/** Client-port services beyond etcd's core six: filled in as they are written (watch, lock, election). */
final class ExtraServices {
    private ExtraServices() {}

    static List<BindableService> create(RaftKvNode node, NodeGuards guards) {
        return List.of();
    }
}
