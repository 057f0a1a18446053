package dev.jasyncio;

import java.util.ArrayDeque;

/**
 * What every synchronisation primitive and queue shares: it may be created anywhere, and binds to
 * the loop of the first task that has to wait on it (asyncio's {@code _LoopBoundMixin}). Its
 * waiters are futures of that loop, so using it from any other loop, or from another thread, is a
 * mistake that fails here rather than corrupting the loop.
 */
abstract class LoopBound {
    private EventLoop loop;

    /** The loop of {@code task}, which is about to wait on this object; binds on first use. */
    final EventLoop bind(Task<?> task) {
        if (loop == null) loop = task.loop;
        else if (loop != task.loop) throw new IllegalStateException(this + " is bound to a different event loop");
        return loop;
    }

    /** Before waking waiters (which exist only once bound): the caller must be in the bound loop. */
    final void checkLoop() {
        EventLoop running = EventLoop.runningOrNull();
        if (running == loop) return;
        throw new IllegalStateException(this + " is bound to a different event loop"
                + (running == null ? " and was used outside it, from " + Thread.currentThread()
                        + " (use callSoonThreadsafe)" : ""));
    }

    /**
     * Suspends {@code task} on {@code waiter}, a future of its loop, while the waiter stands in
     * {@code line}; it leaves the line however the wait ends. Rethrows the task's cancellation.
     */
    static <T> void waitInLine(Task<?> task, Future<T> waiter, ArrayDeque<Future<T>> line) {
        line.addLast(waiter);
        try {
            task.suspendOn(waiter);
        } finally {
            line.remove(waiter);
        }
    }

    /** The ", waiters:N" part of a primitive's description, empty when nobody waits. */
    static String waitersSuffix(int n) {
        return n == 0 ? "" : ", waiters:" + n;
    }
}
