package dev.jasyncio;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A condition variable for tasks: asyncio's {@code Condition}. Tasks holding the lock wait with
 * {@link #await()} (which releases the lock while waiting) until another task {@link #signal}s.
 * Several conditions may share one {@link Lock}.
 *
 * <p>Whatever happens while waiting, including cancellation, {@code await()} re-acquires the lock
 * before it returns or throws, so the caller's {@code try (var _ = cond.hold())} stays
 * balanced. A waiter that is cancelled just as it is signalled passes the signal on to another
 * waiter, so no wakeup is lost. Like asyncio's, waiters may wake spuriously: re-check the state,
 * or use {@link #awaitFor}.
 */
public final class Condition extends LoopBound {
    private final Lock lock;
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>(4);

    /** A condition with a lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /** A condition that uses {@code lock}, possibly shared with other conditions. */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    public boolean acquire() {
        return lock.acquire();
    }

    public void release() {
        lock.release();
    }

    public boolean locked() {
        return lock.locked();
    }

    public Guard hold() {
        return lock.hold();
    }

    /**
     * Releases the lock, waits to be signalled, re-acquires the lock and returns true. The lock
     * must be held ({@link IllegalStateException} otherwise). If the task is cancelled, the
     * {@link CancelledError} is rethrown (the same instance) only once the lock is held again.
     */
    public boolean await() {
        if (!locked()) throw new IllegalStateException("cannot wait on un-acquired lock");
        Task<?> task = Task.currentOrThrow("Condition.await()");
        Future<Boolean> waiter = new Future<>(bind(task));
        lock.release();
        try {
            try {
                waitInLine(task, waiter, waiters);
                return true;
            } finally {
                reacquire();
            }
        } catch (Throwable e) {
            // We may have consumed a signal meant for someone: hand one on (a spurious wakeup at worst).
            wake(1);
            throw e;
        }
    }

    /**
     * Takes the lock back even if cancelled meanwhile (again and again); then rethrows the last
     * cancellation, which replaces whatever ended the wait.
     */
    private void reacquire() {
        CancelledError cancelled = null;
        while (true) {
            try {
                lock.acquire();
                break;
            } catch (CancelledError e) {
                cancelled = e;
            }
        }
        if (cancelled != null) throw cancelled;
    }

    /**
     * Waits until {@code predicate} returns something other than null or {@link Boolean#FALSE},
     * and returns that. The predicate is checked first (so no lock is needed if it already holds),
     * then after each wakeup.
     */
    public <T> T awaitFor(Supplier<T> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        T result = predicate.get();
        while (result == null || Boolean.FALSE.equals(result)) {
            await();
            result = predicate.get();
        }
        return result;
    }

    /** Wakes one waiter (asyncio's {@code notify()}); the lock must be held. */
    public void signal() {
        signal(1);
    }

    /** Wakes up to {@code n} waiters, oldest first; the lock must be held. */
    public void signal(int n) {
        if (n < 0) throw new IllegalArgumentException("cannot signal a negative number of waiters: " + n);
        if (!locked()) throw new IllegalStateException("cannot notify on un-acquired lock");
        wake(n);
    }

    /** Wakes every waiter (asyncio's {@code notify_all()}); the lock must be held. */
    public void signalAll() {
        signal(waiters.size());
    }

    private void wake(int n) {
        if (waiters.isEmpty()) return;
        checkLoop();
        int woken = 0;
        for (Future<Boolean> w : waiters) {
            if (woken >= n) break;
            if (!w.done()) {
                woken++;
                w.setResult(false);
            }
        }
    }

    @Override
    public String toString() {
        return "<Condition [" + (locked() ? "locked" : "unlocked") + waitersSuffix(waiters.size()) + "]>";
    }
}
