package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.ReturnWhen.ALL_COMPLETED;
import static dev.jasyncio.ReturnWhen.FIRST_COMPLETED;
import static dev.jasyncio.ReturnWhen.FIRST_EXCEPTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ports of CPython's test_tasks.py wait tests (test_wait*, test_yield_wait_does_not_shield_cancel),
 * on the virtual clock: every loop time asserted is exact.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken wait fails the test instead of hanging it
class WaitTests extends LoopTestCase {

    private Task<Void> sleeper(double seconds) {
        return loop.createTask(() -> sleep(seconds));
    }

    /** A task that sleeps, then fails with {@code error}. */
    private Task<Void> failing(double seconds, Exception error) {
        return loop.createTask(() -> {
            if (seconds > 0) sleep(seconds);
            throw error;
        });
    }

    /** Lets every task finish: CPython's "move forward to close generator" step. */
    private void finish(Task<?>... tasks) throws Exception {
        loop.runUntilComplete(() -> Asyncio.wait(List.of(tasks), ALL_COMPLETED));
    }

    /** test_wait (a method cannot be named wait: Object.wait() is final). */
    @Test
    void waitTest() throws Exception {
        Task<Void> a = sleeper(0.1);
        Task<Void> b = sleeper(0.15);
        Awaitable<Integer> foo = () -> {
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), ALL_COMPLETED);
            assertEquals(Set.of(a, b), r.done());
            assertEquals(Set.of(), r.pending());
            return 42;
        };
        assertEquals(42, loop.runUntilComplete(foo));
        assertEquals(0.15, loop.time());

        // Doing it again takes no time and exercises a different path.
        assertEquals(42, loop.runUntilComplete(foo));
        assertEquals(0.15, loop.time());
    }

    @Test
    void waitDuplicateCoroutines() throws Exception {
        Task<String> c = loop.createTask(() -> "test");
        DoneAndPending<Task<String>> r = loop.runUntilComplete(
                () -> Asyncio.wait(List.of(c, c, createTask(() -> "spam")), ALL_COMPLETED));
        assertEquals(Set.of(), r.pending());
        Set<String> results = new HashSet<>();
        for (Task<String> f : r.done()) results.add(f.result());
        assertEquals(Set.of("test", "spam"), results);
        assertEquals(2, r.done().size());
    }

    /**
     * test_wait_errors and test_wait_invalid_args: an empty collection is an
     * IllegalArgumentException (ValueError). The return_when -1 and "a future instead of a
     * collection" cases cannot be written in Java; a null return_when is refused like any null.
     */
    @Test
    void waitErrors() throws Exception {
        Future<Void> pending = loop.createFuture();
        loop.runUntilComplete(() -> {
            var e = assertThrows(IllegalArgumentException.class, () -> Asyncio.wait(Set.<Future<?>>of(), ALL_COMPLETED));
            assertEquals("Set of Tasks/Futures is empty.", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Asyncio.wait(List.<Future<?>>of(), 1.0, FIRST_COMPLETED));
            assertThrows(NullPointerException.class, () -> Asyncio.wait(List.of(pending), null));
            return null;
        });
        assertEquals(0.0, loop.time(), "none of them waited");
    }

    @Test
    void waitFirstCompleted() throws Exception {
        Task<Void> a = sleeper(10.0);
        Task<Void> b = sleeper(0.1);
        Task<DoneAndPending<Task<Void>>> task = loop.createTask(() -> Asyncio.wait(List.of(b, a), FIRST_COMPLETED));
        DoneAndPending<Task<Void>> r = loop.runUntilComplete(task);
        assertEquals(Set.of(b), r.done());
        assertEquals(Set.of(a), r.pending());
        assertFalse(a.done());
        assertTrue(b.done());
        assertNull(b.result());
        assertEquals(0.1, loop.time());

        finish(a, b);
        assertEquals(10.0, loop.time());
    }

    /** Tasks that finished in the same iteration as the first one are reported done, though their callbacks have not all run. */
    @Test
    void waitReallyDone() throws Exception {
        Task<Void> a = loop.createTask(() -> sleep(0));
        Task<Void> b = loop.createTask(() -> {
            sleep(0);
            sleep(0);
        });
        DoneAndPending<Task<Void>> r = loop.runUntilComplete(() -> Asyncio.wait(List.of(b, a), FIRST_COMPLETED));
        assertEquals(Set.of(a, b), r.done());
        assertTrue(a.done());
        assertNull(a.result());
        assertTrue(b.done());
        assertNull(b.result());
    }

    /** FIRST_EXCEPTION returns at once when a task has already failed. */
    @Test
    void waitFirstException() throws Exception {
        checkFirstException(0);
    }

    @Test
    void waitFirstExceptionInWait() throws Exception {
        checkFirstException(0.01);
    }

    /** wait([b, a], FIRST_EXCEPTION) returns when b fails, {@code failAfter} seconds in, with a still sleeping. */
    private void checkFirstException(double failAfter) throws Exception {
        Task<Void> a = sleeper(10.0);
        Task<Void> b = failing(failAfter, new ArithmeticException("err"));
        DoneAndPending<Task<Void>> r = loop.runUntilComplete(() -> Asyncio.wait(List.of(b, a), FIRST_EXCEPTION));
        assertEquals(Set.of(b), r.done());
        assertEquals(Set.of(a), r.pending());
        assertEquals(failAfter, loop.time());

        finish(a, b);
    }

    @Test
    void waitWithException() throws Exception {
        Task<Void> a = sleeper(0.1);
        Task<Void> b = failing(0.15, new ArithmeticException("really"));
        AsyncRunnable foo = () -> {
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), ALL_COMPLETED);
            assertEquals(2, r.done().size());
            assertEquals(Set.of(), r.pending());
            long errors = r.done().stream().filter(f -> f.exception() != null).count();
            assertEquals(1, errors);
        };
        loop.runUntilComplete(loop.createTask(foo));
        assertEquals(0.15, loop.time());

        loop.runUntilComplete(loop.createTask(foo));
        assertEquals(0.15, loop.time());
    }

    /** On timeout, wait() returns what is still pending without cancelling it. */
    @Test
    void waitWithTimeout() throws Exception {
        Task<Void> a = sleeper(0.1);
        Task<Void> b = sleeper(0.15);
        loop.runUntilComplete(() -> {
            DoneAndPending<Task<Void>> r = Asyncio.wait(List.of(b, a), 0.11, ALL_COMPLETED);
            assertEquals(Set.of(a), r.done());
            assertEquals(Set.of(b), r.pending());
            return null;
        });
        assertEquals(0.11, loop.time());
        assertFalse(b.done());

        finish(a, b);
        assertEquals(0.15, loop.time());
        assertFalse(b.cancelled());
    }

    /** A task whose timer is due together with the timeout is done by the time wait() looks. */
    @Test
    void waitConcurrentComplete() throws Exception {
        Task<Void> a = sleeper(0.1);
        Task<Void> b = sleeper(0.15);
        DoneAndPending<Task<Void>> r = loop.runUntilComplete(() -> Asyncio.wait(List.of(b, a), 0.1, ALL_COMPLETED));
        assertEquals(Set.of(a), r.done());
        assertEquals(Set.of(b), r.pending());
        assertEquals(0.1, loop.time());

        finish(a, b);
    }

    /** Cancelling the task in wait() makes wait() raise at once and leaves the awaited task running. */
    @Test
    void yieldWaitDoesNotShieldCancel() throws Exception {
        assertEquals(1, OuterCancel.proof(loop, inner -> () -> Asyncio.wait(List.of(createTask(inner)), ALL_COMPLETED)));
    }
}
