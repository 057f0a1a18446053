package dev.jasyncio;

import static dev.jasyncio.Asyncio.currentTask;
import static dev.jasyncio.Asyncio.runCoroutineThreadsafe;
import static dev.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ports of CPython's test_tasks.py RunCoroutineThreadsafeTests. */
class RunCoroutineThreadsafeTests {
    EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = new EventLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** Waits 0.05 s and returns a + b. */
    private int add(int a, int b, boolean fail, boolean cancel) {
        sleep(0.05);
        if (fail) throw new IllegalStateException("Fail!");
        if (cancel) {
            currentTask().cancel();
            sleep(0);
        }
        return a + b;
    }

    /** Runs add() on the loop from this (other) thread and waits for it. */
    private int target(boolean fail, boolean cancel, long timeoutMillis) throws Exception {
        CompletableFuture<Integer> future = runCoroutineThreadsafe(() -> add(1, 2, fail, cancel), loop);
        try {
            return timeoutMillis < 0 ? future.get() : future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            if (!future.isDone()) future.cancel(true);
        }
    }

    @Test
    void runCoroutineThreadsafeTest() throws Exception {
        int result = loop.runUntilComplete(loop.runInExecutor(null, () -> target(false, false, -1)));
        assertEquals(3, result);
    }

    @Test
    void runCoroutineThreadsafeWithException() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.runUntilComplete(loop.runInExecutor(null, () -> target(true, false, -1))));
        assertEquals("Fail!", e.getMessage());
    }

    @Test
    void runCoroutineThreadsafeWithTimeout() throws Exception {
        assertThrows(TimeoutException.class,
                () -> loop.runUntilComplete(loop.runInExecutor(null, () -> target(false, false, 0))));
        loop.runUntilComplete(() -> sleep(0.1, null));
        for (Task<?> t : loop.pendingTasks()) assertTrue(t.done(), "add() was cancelled");
        assertEquals(0, loop.pendingTasks().size());
    }

    @Test
    void runCoroutineThreadsafeTaskCancelled() {
        assertThrows(CancellationException.class,
                () -> loop.runUntilComplete(loop.runInExecutor(null, () -> target(false, true, -1))));
    }

    @Test
    void runCoroutineThreadsafeOnClosedLoop() {
        loop.close();
        assertThrows(IllegalStateException.class, () -> runCoroutineThreadsafe(() -> 1, loop));
    }

    @Test
    void completableFutureCarriesTheOriginalException() throws Exception {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        CompletableFuture<Object> cf = loop.runUntilComplete(() -> Asyncio.toThread(() -> runCoroutineThreadsafe(() -> {
            throw boom;
        }, loop)));
        loop.runUntilComplete(() -> sleep(0.05, null));
        ExecutionException e = assertThrows(ExecutionException.class, () -> cf.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(boom, e.getCause());
    }
}
