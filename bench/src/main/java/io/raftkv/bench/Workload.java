package io.raftkv.bench;

/** The kinds of load, named as etcd's benchmark tool names them. */
public enum Workload {
    PUT("put"), RANGE("range"), TXN_PUT("txn-put"), WATCH_LATENCY("watch-latency");

    private final String command;

    Workload(String command) {
        this.command = command;
    }

    public String command() {
        return command;
    }
}
