package io.raftkv.raft.sim;

import java.util.PriorityQueue;

/**
 * The simulated clock and its scheduler: events run in time order, ties broken by the order
 * they were scheduled, so one seed always gives one run. Time is in simulated milliseconds.
 */
final class EventQueue {

    private record Event(long time, long seq, String label, Runnable action) {}

    private final PriorityQueue<Event> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    private String lastLabel = "";

    long now() {
        return now;
    }

    void at(long time, String label, Runnable action) {
        queue.add(new Event(Math.max(time, now), seq++, label, action));
    }

    void after(long delay, String label, Runnable action) {
        at(now + delay, label, action);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Runs the next event; the clock jumps to its time. */
    void runNext() {
        Event event = queue.poll();
        if (event == null) {
            throw new IllegalStateException("no event scheduled: the simulation would stop forever");
        }
        now = event.time;
        lastLabel = event.label;
        event.action.run();
    }

    /** What the last event was, for failure messages and traces. */
    String lastLabel() {
        return lastLabel;
    }
}
