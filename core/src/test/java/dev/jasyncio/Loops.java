package dev.jasyncio;

import java.util.ArrayList;
import java.util.List;

/** Test support: loops like CPython's test loops, and small helpers its tests use. */
final class Loops {
    private Loops() {}

    /** A loop on the virtual clock: CPython's TestLoop, without the generator protocol. */
    static EventLoop newTestLoop() {
        return new EventLoop(RunOptions.virtualClock());
    }

    /**
     * CPython's test_utils.run_briefly: runs until a task that does nothing is done, which takes
     * two loop iterations (its step, then the callback that stops the loop).
     */
    static void runBriefly(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> null);
    }

    /** Runs {@code body} as the main task of a fresh virtual-clock loop. */
    static <T> T runVirtual(Awaitable<T> body) throws Exception {
        return Asyncio.run(body, RunOptions.virtualClock());
    }

    static void runVirtual(AsyncRunnable body) throws Exception {
        Asyncio.run(body, RunOptions.virtualClock());
    }

    /** Suspends until {@code f} is done, without retrieving its outcome (asyncio.wait([f])). */
    static void awaitDone(Future<?> f) throws Exception {
        Future<Void> done = f.getLoop().createFuture();
        f.addDoneCallback(x -> done.setResult(null));
        done.await();
    }

    /** Asserts that {@code f} was cancelled; returns the error its result() raises. */
    static CancelledError assertCancelled(Future<?> f) {
        return org.junit.jupiter.api.Assertions.assertThrows(CancelledError.class, f::result);
    }

    /** Records what a loop hands to its exception handler. */
    static List<ErrorContext> recordErrors(EventLoop loop) {
        List<ErrorContext> errors = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
        return errors;
    }

    /** asyncio's assertRaisesRegex(RuntimeError, text): an IllegalStateException whose message contains {@code text}. */
    static void assertStateError(String text, org.junit.jupiter.api.function.Executable call) {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, call);
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    /**
     * asyncio's test_utils.await_without_task: runs each call in one callback of the running
     * loop, outside any task, and returns what the calls threw. Call it from a task.
     */
    static List<Throwable> errorsOutsideTask(org.junit.jupiter.api.function.Executable... calls) throws Exception {
        EventLoop loop = Asyncio.getRunningLoop();
        List<Throwable> errors = new ArrayList<>();
        Future<Void> done = loop.createFuture();
        loop.callSoon(() -> {
            for (var call : calls) {
                try {
                    call.execute();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }
            done.setResult(null);
        });
        done.await();
        return errors;
    }
}
