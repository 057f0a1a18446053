package dev.jasyncio;

import java.util.ArrayDeque;

/**
 * A counter of permits for tasks: asyncio's {@code Semaphore}. {@link #acquire()} takes a permit,
 * waiting while there is none; {@link #release()} returns one. Waiters are served in order, and a
 * newcomer never overtakes them (no barging); a waiter cancelled after it was handed a permit
 * gives it back.
 */
public class Semaphore extends Acquirable {
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>(4);
    int value;

    /** A semaphore with {@code value} permits; {@link IllegalArgumentException} if negative. */
    public Semaphore(int value) {
        if (value < 0) throw new IllegalArgumentException("Semaphore initial value must be >= 0, got " + value);
        this.value = value;
    }

    /** True if {@link #acquire()} would wait: no permit left, or tasks already queued for one. */
    public boolean locked() {
        if (value == 0) return true;
        for (Future<Boolean> w : waiters) {
            if (!w.cancelled()) return true;
        }
        return false;
    }

    /** Takes a permit, waiting in line for one if needed; returns true. */
    @Override
    public boolean acquire() {
        if (!locked()) {
            value--;
            return true;
        }
        Task<?> task = Task.currentOrThrow(getClass().getSimpleName() + ".acquire()");
        Future<Boolean> waiter = new Future<>(bind(task));
        try {
            waitInLine(task, waiter, waiters);
        } catch (CancelledError e) {
            // Cancelled after release() handed us a permit: give it back.
            if (waiter.done() && !waiter.cancelled()) value++;
            throw e;
        } finally {
            // Permits released while we waited to run belong to the waiters behind us.
            while (value > 0) {
                if (!wakeUpNext()) break;
            }
        }
        return true;
    }

    /** Returns a permit, handing it to the first waiter if there is one. */
    @Override
    public void release() {
        if (!waiters.isEmpty()) checkLoop();
        value++;
        wakeUpNext();
    }

    /** Hands a permit to the first waiter not yet woken; false if there is none. */
    private boolean wakeUpNext() {
        for (Future<Boolean> w : waiters) {
            if (!w.done()) {
                value--;
                w.setResult(true);
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        String state = locked() ? "locked" : "unlocked, value:" + value;
        return "<" + getClass().getSimpleName() + " [" + state + waitersSuffix(waiters.size()) + "]>";
    }
}
