package dev.jasyncio;

import static dev.jasyncio.Loops.newTestLoop;
import static dev.jasyncio.Loops.runBriefly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;

/** Ports of CPython's test_base_events.py BaseEventLoopTests and RunningLoopTests. */
class BaseEventLoopTests extends LoopTestCase {
    @Test
    void close() {
        assertFalse(loop.isClosed());
        loop.close();
        assertTrue(loop.isClosed());
        loop.close(); // more than once is fine
        loop.close();
        Future<Object> f = new Future<>(loop);
        assertThrows(IllegalStateException.class, loop::runForever);
        assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f));
    }

    @Test
    void addCallbackCancelledHandle() throws Exception {
        List<String> ran = new ArrayList<>();
        Handle h = loop.callSoon(() -> ran.add("h"));
        h.cancel();
        assertTrue(h.cancelled());
        runBriefly(loop);
        assertEquals(List.of(), ran);
    }

    @Test
    void callbackCancelledByATaskReleasedInTheSameIteration() throws Exception {
        List<ErrorContext> errors = Loops.recordErrors(loop);
        List<String> ran = new ArrayList<>();
        Future<Void> wake = loop.createFuture();
        Handle[] later = new Handle[1];
        run(() -> {
            loop.callSoon(() -> {
                wake.setResult(null);                          // queues this task's wakeup ...
                later[0] = loop.callSoon(() -> ran.add("h"));  // ... ahead of this callback
            });
            wake.await();
            later[0].cancel(); // the callback is next in this iteration: it must not run
        });
        runBriefly(loop);
        assertEquals(List.of(), ran);
        assertEquals(List.of(), errors);
    }

    @Test
    void callSoonNonCallable() {
        assertThrows(NullPointerException.class, () -> loop.callSoon(null));
    }

    @Test
    void callLater() {
        TimerHandle h = loop.callLater(10.0, () -> {});
        assertEquals(10.0, h.when(), 1e-9);
        assertEquals(1, loop.scheduledTimers());
        assertThrows(IllegalArgumentException.class, () -> loop.callLater(Double.NaN, () -> {}));
    }

    @Test
    void callLaterNegativeDelays() throws Exception {
        List<String> calls = new ArrayList<>();
        loop.callLater(-1, () -> calls.add("a"));
        loop.callLater(-2, () -> calls.add("b"));
        runBriefly(loop);
        assertEquals(List.of("b", "a"), calls);
    }

    @Test
    void timersDueTogetherRunInWhenThenSchedulingOrder() throws Exception {
        List<String> calls = new ArrayList<>();
        loop.callLater(0.2, () -> calls.add("c"));
        loop.callLater(0.1, () -> calls.add("a"));
        loop.callLater(0.1, () -> calls.add("b"));
        loop.runUntilComplete(() -> Asyncio.sleep(0.3, null));
        assertEquals(List.of("a", "b", "c"), calls);
    }

    @Test
    void timeAndCallAt() {
        EventLoop real = new EventLoop();
        try {
            double delay = 0.100;
            double t0 = real.time(); // before scheduling: a busy machine may pause us in between
            real.callAt(t0 + delay, real::stop);
            real.runForever();
            double dt = real.time() - t0;
            assertTrue(dt >= delay, "dt=" + dt);
            assertThrows(IllegalArgumentException.class, () -> real.callAt(Double.NaN, () -> {}));
        } finally {
            real.close();
        }
    }

    /**
     * test_check_thread. asyncio checks only in debug mode; jasyncio always refuses non-thread-safe
     * calls from another thread while the loop runs, because they would corrupt its queues.
     */
    @Test
    void checkThread() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        List<Throwable> errors = new ArrayList<>();
        Thread other = new Thread(() -> {
            try {
                running.await();
                for (Runnable call : List.<Runnable>of(
                        () -> loop.callSoon(() -> {}),
                        () -> loop.callLater(60, () -> {}),
                        () -> loop.callAt(loop.time() + 60, () -> {}))) {
                    try {
                        call.run();
                    } catch (IllegalStateException e) {
                        errors.add(e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                checked.countDown();
            }
        });
        other.start();
        loop.runUntilComplete(() -> {
            running.countDown();
            return Asyncio.toThread(() -> checked.await(10, TimeUnit.SECONDS));
        });
        other.join();
        assertEquals(3, errors.size());
        for (Throwable e : errors) {
            assertTrue(e.getMessage().contains("Non-thread-safe operation"), e.getMessage());
        }
        // while the loop is not running, any thread may schedule (as in asyncio)
        Thread t = new Thread(() -> loop.callSoon(() -> {}));
        t.start();
        t.join();
    }

    @Test
    void runOnceSelectsUntilNextTimer() throws Exception {
        // the loop sleeps until the earliest timer; a cancelled earlier timer is not waited for
        EventLoop real = new EventLoop();
        try {
            TimerHandle early = real.callLater(5.0, () -> {});
            early.cancel();
            double[] firedAt = new double[1];
            double start = real.time();
            real.callLater(0.05, () -> {
                firedAt[0] = real.time();
                real.stop();
            });
            real.runForever();
            assertTrue(firedAt[0] - start >= 0.05 && firedAt[0] - start < 2.0, "fired after " + (firedAt[0] - start));
            assertEquals(0, real.scheduledTimers());
        } finally {
            real.close();
        }
    }

    @Test
    void setDebug() {
        loop.setDebug(true);
        assertTrue(loop.getDebug());
        loop.setDebug(false);
        assertFalse(loop.getDebug());
    }

    @Test
    void runOnceScheduleHandle() throws Exception {
        // a due timer runs in the iteration it becomes due; what it schedules waits for the next one
        List<String> trace = new ArrayList<>();
        loop.callLater(-1, () -> {
            trace.add("timer");
            loop.callSoon(() -> trace.add("scheduled"));
            loop.stop();
        });
        loop.runForever();
        assertEquals(List.of("timer"), trace);
        loop.callSoon(loop::stop);
        loop.runForever();
        assertEquals(List.of("timer", "scheduled"), trace);
    }

    @Test
    void runOnceCancelledEventCleanup() {
        loop.callLater(3000, () -> {});
        for (int i = 0; i < 200; i++) loop.callLater(3600, () -> {}).cancel();
        assertEquals(1, loop.scheduledTimers(), "cancelled timers leave the heap at once");
    }

    @Test
    void callbacksScheduledDuringAnIterationRunInTheNext() throws Exception {
        List<String> trace = new ArrayList<>();
        loop.callSoon(() -> {
            trace.add("a");
            loop.callSoon(() -> trace.add("c"));
        });
        loop.callSoon(() -> {
            trace.add("b");
            loop.stop();
        });
        loop.runForever();
        assertEquals(List.of("a", "b"), trace, "stop() ends the loop after this iteration");
        loop.callSoon(loop::stop);
        loop.runForever();
        assertEquals(List.of("a", "b", "c"), trace);
    }

    @Test
    void runUntilCompleteLoop() {
        Future<Object> task = loop.createFuture();
        EventLoop other = newTestLoop();
        try {
            assertThrows(IllegalArgumentException.class, () -> other.runUntilComplete(task));
        } finally {
            other.close();
        }
    }

    /** test_run_until_complete_loop_orphan_future_close_loop: the done-callback of a finished run is removed. */
    @Test
    void runUntilCompleteRemovesItsStopCallback() throws Exception {
        Task<Void> first = loop.createTask(() -> Asyncio.sleep(0.1));
        loop.runUntilComplete(first);
        Task<Void> second = loop.createTask(() -> Asyncio.sleep(0.2));
        loop.runUntilComplete(second);
        assertEquals(0.3, loop.time(), 1e-9);
    }

    @Test
    void defaultExcHandlerCallback() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Future<Boolean> fut = loop.createFuture();
            loop.callSoon(() -> zeroError(fut));
            fut.addDoneCallback(f -> loop.stop());
            loop.runForever();
            assertEquals(1, log.records.size());
            assertTrue(log.records.get(0).getMessage().startsWith("Exception in callback"), log.records.get(0).getMessage());
            assertInstanceOf(ArithmeticException.class, log.records.get(0).getThrown());

            Future<Boolean> fut2 = loop.createFuture();
            loop.callLater(0.01, () -> zeroError(fut2));
            fut2.addDoneCallback(f -> loop.stop());
            loop.runForever();
            assertEquals(2, log.records.size());
            assertTrue(log.records.get(1).getMessage().startsWith("Exception in callback <TimerHandle"), log.records.get(1).getMessage());
        }
    }

    private static void zeroError(Future<Boolean> fut) {
        fut.setResult(true);
        int zero = 0;
        System.out.println(1 / zero);
    }

    @Test
    void defaultExcHandlerCoro() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Task<Void> fut = loop.createTask(() -> {
                Asyncio.sleep(0.01);
                int zero = 0;
                System.out.println(1 / zero);
            }, "zero");
            fut.addDoneCallback(f -> loop.stop());
            loop.runForever();
            loop.close();
            assertEquals(1, log.records.size());
            assertTrue(log.records.get(0).getMessage().startsWith("Task exception was never retrieved\ntask: <Task finished name='zero'"),
                    log.records.get(0).getMessage());
            assertInstanceOf(ArithmeticException.class, log.records.get(0).getThrown());
        }
    }

    @Test
    void setExcHandlerCustom() throws Exception {
        loop.setDebug(true);
        assertNull(loop.getExceptionHandler());
        List<ErrorContext> seen = new ArrayList<>();
        ExceptionHandler handler = (l, ctx) -> seen.add(ctx);
        loop.setExceptionHandler(handler);
        assertSame(handler, loop.getExceptionHandler());
        Handle h = loop.callSoon(BaseEventLoopTests::divideByZero);
        runBriefly(loop);
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).message().startsWith("Exception in callback"));
        assertSame(h, seen.get(0).handle());
        assertInstanceOf(ArithmeticException.class, seen.get(0).exception());

        loop.setExceptionHandler(null);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(BaseEventLoopTests::divideByZero);
            runBriefly(loop);
            assertEquals(1, log.messages(Level.SEVERE).size());
        }
        assertEquals(1, seen.size(), "the removed handler is not called");
    }

    private static void divideByZero() {
        int zero = 0;
        System.out.println(1 / zero);
    }

    @Test
    void setExcHandlerBroken() throws Exception {
        loop.setExceptionHandler((l, ctx) -> {
            throw new IllegalStateException("spam");
        });
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(BaseEventLoopTests::divideByZero);
            runBriefly(loop);
            assertEquals(1, log.records.size());
            assertTrue(log.records.get(0).getMessage().startsWith("Unhandled error in exception handler"));
            assertInstanceOf(IllegalStateException.class, log.records.get(0).getThrown());
        }
    }

    @Test
    void defaultExcHandlerBroken() throws Exception {
        EventLoop broken = new EventLoop(RunOptions.virtualClock()) {
            @Override
            public void defaultExceptionHandler(ErrorContext ctx) {
                throw new IllegalArgumentException("spam");
            }
        };
        try (LogCapture log = new LogCapture()) {
            broken.callSoon(BaseEventLoopTests::divideByZero);
            runBriefly(broken);
            assertEquals(1, log.records.size());
            assertEquals("Exception in default exception handler", log.records.get(0).getMessage());

            broken.setExceptionHandler((l, ctx) -> {
                throw new IllegalArgumentException("ham");
            });
            broken.callSoon(BaseEventLoopTests::divideByZero);
            runBriefly(broken);
            assertEquals(2, log.records.size());
            assertTrue(log.records.get(1).getMessage().matches("Exception in default exception.*while handling.*in custom.*"),
                    log.records.get(1).getMessage());
        } finally {
            broken.close();
        }
    }

    @Test
    void createNamedTask() throws Exception {
        Task<Void> task = loop.createTask(() -> {}, "test_task");
        assertEquals("test_task", task.getName());
        loop.runUntilComplete(task);
    }

    /** bpo-22429: a failing run_until_complete leaves no pending stop() behind; the loop is reusable. */
    @Test
    void runUntilCompleteBaseexception() throws Exception {
        Task<Void> t = loop.createTask(() -> {
            throw new IllegalStateException("interrupt");
        });
        assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(t));
        boolean[] called = {false};
        loop.callSoon(() -> loop.callSoon(() -> {
            loop.stop();
            called[0] = true;
        }));
        loop.runForever();
        assertTrue(called[0]);
    }

    /** bpo-25593: callbacks are not re-run after the loop stops and starts again. */
    @Test
    void singleEventCallbackAfterStopping() {
        int[] count = {0};
        loop.callSoon(() -> count[0]++);
        for (int i = 0; i < 2; i++) {
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(1, count[0]);
        }
    }

    @Test
    void runOnce() {
        int[] count = {0};
        loop.callSoon(() -> count[0]++);
        loop.callSoon(loop::stop);
        loop.runForever();
        assertEquals(1, count[0]);
    }

    @Test
    void runForeverPreStopped() {
        List<String> trace = new ArrayList<>();
        loop.callSoon(() -> trace.add("ran"));
        loop.stop();
        loop.runForever(); // exactly one iteration, without waiting
        assertEquals(List.of("ran"), trace);
        assertEquals(0.0, loop.time());
    }

    @Test
    void logSlowCallbacks() throws Exception {
        loop.setDebug(true);
        loop.setSlowCallbackDuration(0.0);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(BaseEventLoopTests::stopLoopCb);
            loop.callSoon(loop::stop);
            loop.runForever();
            assertTrue(log.messages(Level.WARNING).stream()
                    .anyMatch(m -> m.matches("^Executing <Handle .*stopLoopCb.*> took .* seconds$")
                            || m.matches("^Executing <Handle .*BaseEventLoopTests\\$lambda> took .* seconds$")),
                    log.messages(Level.WARNING).toString());

            Task<Void> slow = loop.createTask(() -> {}, "stop_loop_coro");
            loop.runUntilComplete(slow);
            assertTrue(log.messages(Level.WARNING).stream()
                    .anyMatch(m -> m.matches("^Executing <Task .*stop_loop_coro.*> took .* seconds$")),
                    log.messages(Level.WARNING).toString());
        }
    }

    private static void stopLoopCb() {}

    @Test
    void runningLoopWithinALoop() {
        EventLoop inner = newTestLoop();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.runUntilComplete(() -> {
                        inner.runForever();
                        return null;
                    }));
            assertTrue(e.getMessage().contains("while another loop is running"), e.getMessage());
            IllegalStateException again = assertThrows(IllegalStateException.class,
                    () -> loop.runUntilComplete(() -> {
                        loop.runForever();
                        return null;
                    }));
            assertTrue(again.getMessage().contains("already running"), again.getMessage());
        } finally {
            inner.close();
        }
    }

    @Test
    void closeRunningLoopRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(() -> {
            loop.close();
            return null;
        }));
        assertEquals("Cannot close a running event loop", e.getMessage());
    }

    @Test
    void runInExecutorRunsOffTheLoop() throws Exception {
        AtomicReference<Thread> worker = new AtomicReference<>();
        String r = loop.runUntilComplete(() -> loop.runInExecutor(null, () -> {
            worker.set(Thread.currentThread());
            return "done";
        }).await());
        assertEquals("done", r);
        assertFalse(worker.get().isVirtual(), "the default executor uses platform threads");
        assertTrue(worker.get().getName().startsWith("jasyncio-executor-"));
    }

    @Test
    void runInExecutorCancelInterruptsJob() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<Void> f = loop.runInExecutor(null, () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        });
        loop.runUntilComplete(() -> Asyncio.toThread(() -> started.await(10, TimeUnit.SECONDS)));
        f.cancel(); // propagates to the job through a done-callback, so the loop must run
        runBriefly(loop);
        assertTrue(interrupted.await(10, TimeUnit.SECONDS));
        assertTrue(f.cancelled());
    }

    @Test
    void shutdownDefaultExecutor() throws Exception {
        AtomicReference<Thread> worker = new AtomicReference<>();
        loop.runUntilComplete(() -> {
            Asyncio.toThread(() -> {
                worker.set(Thread.currentThread());
                return null;
            });
            loop.shutdownDefaultExecutor();
            return null;
        });
        worker.get().join(5_000);
        assertFalse(worker.get().isAlive(), "the executor's threads have finished");
    }
}
