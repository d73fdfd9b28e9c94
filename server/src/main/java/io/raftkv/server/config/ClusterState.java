package io.raftkv.server.config;

/** etcd's --initial-cluster-state: bootstrap a new cluster, or join one that exists. */
public enum ClusterState {
    NEW,
    EXISTING;

    static ClusterState parse(String flag, String value) {
        return switch (value) {
            case "new" -> NEW;
            case "existing" -> EXISTING;
            default -> throw new ConfigException(flag, "must be 'new' or 'existing', got '" + value + "'");
        };
    }
}
