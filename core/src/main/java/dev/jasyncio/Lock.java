package dev.jasyncio;

import java.util.ArrayDeque;

/**
 * A mutual-exclusion lock for tasks: asyncio's {@code Lock}. Waiters get the lock in the order
 * they asked for it, and a task arriving while others wait queues behind them even if the lock
 * happens to be free (no barging). Like asyncio's, the lock has no owner: any task may release it.
 *
 * <pre>{@code
 * try (var held = lock.hold()) {
 *     ... // at most one task at a time here, even across awaits
 * }
 * }</pre>
 */
public final class Lock extends LoopBound {
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>(4);
    private boolean locked;

    /** Waits until the lock is free and takes it; returns true (as asyncio's does). */
    public boolean acquire() {
        if (!locked && allCancelled()) {
            locked = true;
            return true;
        }
        Task<?> task = Task.currentOrThrow("Lock.acquire()");
        Future<Boolean> waiter = new Future<>(bind(task));
        waiters.addLast(waiter);
        try {
            try {
                task.suspendOn(waiter);
            } finally {
                waiters.remove(waiter);
            }
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

    /** Acquires, and returns a {@link Guard} whose {@code close()} releases: {@code async with lock}. */
    public Guard hold() {
        acquire();
        return new ReleaseOnce(this::release);
    }

    @Override
    public String toString() {
        return "<Lock [" + (locked ? "locked" : "unlocked") + waitersSuffix(waiters.size()) + "]>";
    }
}
