package dev.jasyncio;

import java.util.ArrayDeque;

/**
 * A mutual-exclusion lock for tasks: asyncio's {@code Lock}. Waiters get the lock in the order
 * they asked for it, and a task arriving while others wait queues behind them even if the lock
 * happens to be free (no barging). Like asyncio's, the lock has no owner: any task may release it.
 *
 * <pre>{@code
 * try (var _ = lock.hold()) {
 *     ... // at most one task at a time here, even across awaits
 * }
 * }</pre>
 */
public final class Lock extends Acquirable {
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>(4);
    private boolean locked;

    /** An unlocked lock; it binds to a loop only when a task first has to wait for it. */
    public Lock() {
        // nothing to set up: see LoopBound
    }

    /** Waits until the lock is free and takes it; returns true (as asyncio's does). */
    @Override
    public boolean acquire() {
        if (!locked && allCancelled()) {
            locked = true;
            return true;
        }
        Task<?> task = Task.currentOrThrow("Lock.acquire()");
        try {
            waitInLine(task, new Future<>(bind(task)), waiters);
        } catch (CancelledError e) {
            // We may have been handed the lock just as we were cancelled: pass it on.
            if (!locked) wakeUpFirst();
            throw e;
        }
        locked = true;
        return true;
    }

    /** Waiters whose wait was cancelled but who have not run yet do not count as queued. */
    private boolean allCancelled() {
        for (Future<Boolean> w : waiters) {
            if (!w.cancelled()) return false;
        }
        return true;
    }

    /** Frees the lock and lets the first waiter take it; {@link IllegalStateException} if it is not locked. */
    @Override
    public void release() {
        if (!locked) throw new IllegalStateException("Lock is not acquired.");
        if (!waiters.isEmpty()) checkLoop();
        locked = false;
        wakeUpFirst();
    }

    /**
     * Wakes the first waiter only: it takes the lock when it runs. If it was woken already, or
     * cancelled, it will pass the lock on itself (see {@link #acquire()}).
     */
    private void wakeUpFirst() {
        Future<Boolean> first = waiters.peekFirst();
        if (first != null && !first.done()) first.setResult(true);
    }

    public boolean locked() {
        return locked;
    }

    @Override
    public String toString() {
        return "<Lock [" + (locked ? "locked" : "unlocked") + waitersSuffix(waiters.size()) + "]>";
    }
}
