package dev.jasyncio;

import java.util.ArrayDeque;

/**
 * A flag tasks can wait for: asyncio's {@code Event}. {@link #set()} wakes every waiting task
 * (in the order they started waiting); while the flag stays set, {@link #await()} returns at once.
 */
public final class Event extends LoopBound implements Awaitable<Boolean> {
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>(4);
    private boolean value;

    /** An event whose flag is not set; it binds to a loop only when a task first waits on it. */
    public Event() {
        // nothing to set up: see LoopBound
    }

    public boolean isSet() {
        return value;
    }

    /**
     * Sets the flag and wakes all waiters. They are woken for good: clearing the flag before they
     * run does not put them back to sleep.
     */
    public void set() {
        if (value) return;
        if (!waiters.isEmpty()) checkLoop();
        value = true;
        for (Future<Boolean> w : waiters) {
            if (!w.done()) w.setResult(true);
        }
    }

    public void clear() {
        value = false;
    }

    /** Waits until the flag is set (returns at once, without yielding, if it is); returns true. */
    @Override
    public Boolean await() {
        if (value) return true;
        Task<?> task = Task.currentOrThrow("Event.await()");
        waitInLine(task, new Future<>(bind(task)), waiters);
        return true;
    }

    @Override
    public String toString() {
        return "<Event [" + (value ? "set" : "unset") + waitersSuffix(waiters.size()) + "]>";
    }
}
