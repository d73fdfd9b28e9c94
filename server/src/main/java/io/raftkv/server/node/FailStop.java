package io.raftkv.server.node;

/**
 * What a member does when its Raft or apply thread has failed. Such a member must stop taking
 * part: a member whose apply thread died but whose Raft thread lives on would go on voting and
 * even leading while every write through it times out. etcd panics and exits; so does RaftKV's
 * process ({@link #EXIT_PROCESS}), after the node has already stopped its Raft thread.
 */
@FunctionalInterface
public interface FailStop {
    /** Exit status of a process stopped this way. */
    int EXIT_STATUS = 1;

    /**
     * The process exits with {@link #EXIT_STATUS}, running its shutdown hooks (the server closes
     * its stores cleanly). Called from a thread of its own: the failed thread may be one that
     * closing the node joins.
     */
    FailStop EXIT_PROCESS = (reason, cause) -> {
        System.err.println("raftkv-server: " + reason + " (" + cause + "); the process exits with status "
                + EXIT_STATUS);
        Thread exit = new Thread(() -> System.exit(EXIT_STATUS), "fail-stop");
        exit.start();
    };

    void stop(String reason, Throwable cause);
}
