package dev.jasyncio;

import java.util.ArrayList;
import java.util.List;

/**
 * Helpers for the synchronisation and queue tests: a fresh loop on the virtual clock per test,
 * and stand-ins for the asyncio combinators those tests use ({@code gather}, {@code timeout}),
 * written here so that these tests exercise only the primitives under test.
 */
final class SyncTestSupport {
    private SyncTestSupport() {}

    /** Runs {@code body} as the main task of a new loop with a virtual clock. */
    static void runLoop(AsyncRunnable body) throws Exception {
        Asyncio.run(body, RunOptions.virtualClock());
    }

    /** Awaits every task in order, like {@code gather(*tasks)}: returns their results, throws the first error met. */
    static List<Object> gather(List<? extends Future<?>> tasks) throws Exception {
        List<Object> results = new ArrayList<>();
        for (Future<?> t : tasks) results.add(t.await());
        return results;
    }

    /** {@code gather(*tasks, return_exceptions=True)}: each task's result, or what it threw. */
    static List<Object> gatherSettled(List<? extends Future<?>> tasks) {
        List<Object> results = new ArrayList<>();
        for (Future<?> t : tasks) {
            try {
                results.add(t.await());
            } catch (Throwable e) {
                results.add(e);
            }
        }
        return results;
    }

    /**
     * {@code async with asyncio.timeout(seconds)} for a single, non-nested scope (asyncio's
     * structured-block recipe): cancels the current task at the deadline and turns that
     * cancellation into a {@link TimeoutError}.
     */
    static <T> T timeout(double seconds, Awaitable<T> body) throws Exception {
        Task<?> task = Task.currentOrThrow("timeout()");
        boolean[] expired = {false};
        TimerHandle timer = task.loop.callLater(seconds, () -> {
            expired[0] = true;
            task.cancel();
        });
        try {
            return body.await();
        } catch (CancelledError e) {
            if (expired[0] && task.uncancel() == 0) {
                TimeoutError te = new TimeoutError();
                te.initCause(e);
                throw te;
            }
            throw e;
        } finally {
            timer.cancel();
        }
    }
}
