package dev.jasyncio;

/**
 * asyncio's {@code wait_for} (3.12+): the awaitable runs inside a {@link Timeout}, so on time-out
 * the work is cancelled and waited for, and TimeoutError is raised with the CancelledError as its
 * cause; if the work swallows the cancel and returns, its value is returned. A timeout of zero or
 * less cancels at once: a coroutine never starts.
 */
final class WaitFor {
    private WaitFor() {}

    static <T> T waitFor(Awaitable<T> aw, double timeout) throws Exception {
        if (Double.isNaN(timeout)) throw new IllegalArgumentException("timeout must not be NaN");
        Task<?> task = Task.currentOrThrow("waitFor()");
        if (timeout <= 0) {
            Future<T> fut = task.loop.ensureFuture(aw);
            if (fut.done()) return fut.result();
            cancelAndWait(task, fut);
            try {
                return fut.result();
            } catch (CancelledError e) {
                TimeoutError te = new TimeoutError();
                te.initCause(e);
                throw te;
            }
        }
        double deadline = timeout == Double.POSITIVE_INFINITY ? timeout : task.loop.time() + timeout;
        return Timeout.within(deadline, t -> aw.await());
    }

    /** Cancels {@code fut} and waits until it is done, without raising what it raised. */
    private static void cancelAndWait(Task<?> task, Future<?> fut) {
        Future<Void> waiter = task.loop.createFuture();
        java.util.function.Consumer<Future<?>> release = f -> Wait.release(waiter);
        fut.addDoneCallback(release);
        try {
            fut.cancel();
            task.suspendOn(waiter);
        } finally {
            fut.removeDoneCallback(release);
        }
    }
}
