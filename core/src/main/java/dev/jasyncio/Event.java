package dev.jasyncio;

import java.util.ArrayDeque;

/**
 * A flag tasks can wait for: asyncio's {@code Event}. {@link #set()} wakes every waiting task
 * (in the order they started waiting); while the flag stays set, {@link #await()} returns at once.
 */
public final class Event extends LoopBound implements Awaitable<Boolean> {
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>(4);
    private boolean value;

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
        Future<Boolean> waiter = new Future<>(bind(task));
        waiters.addLast(waiter);
        try {
            task.suspendOn(waiter);
            return true;
        } finally {
            waiters.remove(waiter);
        }
    }

    @Override
    public String toString() {
        return "<Event [" + (value ? "set" : "unset") + waitersSuffix(waiters.size()) + "]>";
    }
}
