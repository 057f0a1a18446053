package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.shield;
import static dev.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serial;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * CPython 3.13's test_waitfor.py (AsyncioWaitForTest and WaitForShieldTests), by behaviour.
 * {@code timeout=None} is {@code POSITIVE_INFINITY}. {@code Asyncio.waitFor} is written qualified,
 * since the port of test_wait_for is a method named waitFor. Nothing is skipped.
 */
class WaitForTests extends LoopTestCase {
    /** A very small timeout: it passes "timeout > 0" but costs almost nothing. */
    private static final double EPSILON = 0.0001;
    private static final double NO_TIMEOUT = Double.POSITIVE_INFINITY;

    /** Runs for TASK_TIMEOUT seconds of loop time, ignoring cancel requests. */
    static final class SlowTask {
        static final double TASK_TIMEOUT = 0.2;
        boolean exited;

        Void run() {
            EventLoop loop = getRunningLoop();
            double exitAt = loop.time() + TASK_TIMEOUT;
            while (true) {
                double toSleep = exitAt - loop.time();
                if (toSleep <= 0) break;
                try {
                    sleep(toSleep);
                } catch (CancelledError e) {
                    // ignored on purpose
                }
            }
            exited = true;
            return null;
        }
    }

    @Test
    void asyncioWaitForCancelled() throws Exception {
        run(() -> {
            SlowTask t = new SlowTask();
            Task<Void> waitForTask = createTask(() -> Asyncio.waitFor(t::run, SlowTask.TASK_TIMEOUT * 2));
            sleep(0);
            waitForTask.cancel();
            Loops.awaitDone(waitForTask);
            // the cancel is passed on to the work and waited for
            assertTrue(t.exited);
            assertEquals(SlowTask.TASK_TIMEOUT, loop.time());
            // the work swallowed it and returned, so (as in asyncio) the task completes normally
            assertFalse(waitForTask.cancelled());
            assertNull(waitForTask.result());
            assertEquals(1, waitForTask.cancelling());
        });
    }

    @Test
    void asyncioWaitForTimeout() throws Exception {
        run(() -> {
            SlowTask t = new SlowTask();
            // the work outlives the timeout by ignoring the cancel; waitFor waits for it, and
            // returns its result since it swallowed the cancellation
            assertNull(Asyncio.waitFor(t::run, SlowTask.TASK_TIMEOUT / 2));
            assertTrue(t.exited);
            assertEquals(SlowTask.TASK_TIMEOUT, loop.time());
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void waitForTimeoutLessThen0Or0FutureDone() throws Exception {
        run(() -> {
            Future<String> fut = loop.createFuture();
            fut.setResult("done");
            AtomicBoolean yielded = new AtomicBoolean();
            loop.callSoon(() -> yielded.set(true));

            assertEquals("done", Asyncio.waitFor(fut, 0));
            assertTrue(fut.done());
            assertFalse(yielded.get(), "a done future's result is returned without suspending");
        });
    }

    @Test
    void waitForTimeoutLessThen0Or0CoroutineDoNotStarted() throws Exception {
        AtomicBoolean fooStarted = new AtomicBoolean();
        run(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(() -> {
                fooStarted.set(true);
                return null;
            }, 0));
            assertInstanceOf(CancelledError.class, e.getCause());
            sleep(0);
        });
        assertFalse(fooStarted.get());
    }

    /** foo() of test_wait_for*: says when it started, and whether it is still running. */
    private static String foo(AtomicReference<Boolean> running, Future<Void> started, double seconds) {
        running.set(true);
        started.setResult(null);
        try {
            sleep(seconds);
        } finally {
            running.set(false);
        }
        return "done";
    }

    @Test
    void waitForTimeoutLessThen0Or0() throws Exception {
        for (double timeout : new double[] {0, -1}) {
            run(() -> {
                AtomicReference<Boolean> fooRunning = new AtomicReference<>();
                Future<Void> started = loop.createFuture();
                Task<String> fut = createTask(() -> foo(fooRunning, started, 10));
                started.await();

                TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(fut, timeout));
                assertInstanceOf(CancelledError.class, e.getCause());
                assertTrue(fut.done());
                // cancelled because of the timeout, and waited for: its finally has run
                assertTrue(fut.cancelled());
                assertEquals(false, fooRunning.get(), "timeout " + timeout);
            });
        }
        assertEquals(0.0, loop.time());
    }

    @Test
    void waitFor() throws Exception {
        AtomicReference<Boolean> fooRunning = new AtomicReference<>();
        run(() -> {
            Task<String> fut = createTask(() -> foo(fooRunning, loop.createFuture(), 300));
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(fut, 0.1));
            assertInstanceOf(CancelledError.class, e.getCause());
            assertTrue(fut.done());
            assertTrue(fut.cancelled());
            assertEquals(0.1, loop.time());
        });
        assertEquals(false, fooRunning.get());
    }

    @Test
    void waitForBlocking() throws Exception {
        run(() -> assertEquals("done", Asyncio.waitFor(() -> "done", NO_TIMEOUT)));
    }

    @Test
    void waitForRaceCondition() throws Exception {
        run(() -> {
            Future<String> fut = loop.createFuture();
            loop.callSoon(() -> fut.setResult("ok"));
            assertEquals("ok", Asyncio.waitFor(fut, 0.2));
            assertEquals(0.0, loop.time());
        });
    }

    @Test
    void waitForCancellationRaceCondition() throws Exception {
        run(() -> {
            int result = Asyncio.waitFor(() -> {
                assertThrows(CancelledError.class, () -> sleep(1));
                return 1;
            }, 0.01);
            assertEquals(1, result);
            assertEquals(0.01, loop.time());
        });
    }

    /** inner() of test_wait_for_waits_for_task_cancellation*: it takes EPSILON to finish cancelling. */
    private static Task<Void> slowToCancel(AtomicBoolean taskDone) {
        return createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                sleep(EPSILON);
                throw e;
            } finally {
                taskDone.set(true);
            }
        });
    }

    @Test
    void waitForWaitsForTaskCancellation() throws Exception {
        AtomicBoolean taskDone = new AtomicBoolean();
        run(() -> {
            Task<Void> innerTask = slowToCancel(taskDone);
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(innerTask, EPSILON));
            assertTrue(taskDone.get());
            assertInstanceOf(CancelledError.class, e.getCause());
            assertEquals(2 * EPSILON, loop.time());
        });
    }

    @Test
    void waitForWaitsForTaskCancellationWTimeout0() throws Exception {
        AtomicBoolean taskDone = new AtomicBoolean();
        run(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> {
                Task<Void> innerTask = slowToCancel(taskDone);
                sleep(EPSILON);
                Asyncio.waitFor(innerTask, 0);
            });
            assertTrue(taskDone.get());
            assertInstanceOf(CancelledError.class, e.getCause());
            assertEquals(2 * EPSILON, loop.time());
        });
    }

    static final class FooException extends Exception {
        @Serial private static final long serialVersionUID = 1L;
    }

    private static void raiseFoo() throws FooException {
        throw new FooException();
    }

    @Test
    void waitForReraisesExceptionDuringCancellation() throws Exception {
        run(() -> {
            FooException e = assertThrows(FooException.class, () -> {
                Task<Void> innerTask = createTask(() -> {
                    try {
                        sleep(0.2);
                    } finally {
                        raiseFoo();
                    }
                });
                Asyncio.waitFor(innerTask, EPSILON);
            });
            // raised while the timeout expired: it carries the TimeoutError (README, differences)
            TimeoutError te = TimeoutTests.suppressedTimeout(e);
            assertInstanceOf(CancelledError.class, te.getCause());
            assertEquals(EPSILON, loop.time());
        });
    }

    private void assertCancellingWaitForCancelsTask(double timeout) throws Exception {
        run(() -> {
            Task<Object> task = createTask(() -> loop.createFuture().await()); // never completes
            Task<Object> waitTask = createTask(() -> Asyncio.waitFor(task, timeout));
            loop.callSoon(waitTask::cancel);
            assertThrows(CancelledError.class, waitTask::await);
            // bpo-23219: cancelling the wait also cancels the task
            assertTrue(task.cancelled());
            assertTrue(waitTask.cancelled());
        });
    }

    @Test
    void cancelBlockingWaitFor() throws Exception {
        assertCancellingWaitForCancelsTask(NO_TIMEOUT);
    }

    @Test
    void cancelWaitFor() throws Exception {
        assertCancellingWaitForCancelsTask(60.0);
    }

    /** gh-86296: if the work suppresses the cancellation and returns a value, waitFor returns it. */
    @Test
    void waitForCancelSuppressed() throws Exception {
        run(() -> {
            int res = Asyncio.waitFor(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    return 42;
                }
                return 0;
            }, 0.1);
            assertEquals(42, res);
            assertEquals(0.1, loop.time());
        });
    }

    /** gh-86296: the task must be cancelled, not run to completion, though its inner task finished at once. */
    @Test
    void waitForIssue86296() throws Exception {
        AtomicBoolean reachedEnd = new AtomicBoolean();
        run(() -> {
            Task<String> innerTask = createTask(() -> "done");
            Task<Void> task = createTask(() -> {
                Asyncio.waitFor(innerTask, 100);
                sleep(1);
                reachedEnd.set(true);
            });
            assertFalse(task.done());
            sleep(0); // let it run
            task.cancel();
            assertThrows(CancelledError.class, task::await);
            assertTrue(innerTask.done());
            assertEquals("done", innerTask.await());
        });
        assertFalse(reachedEnd.get());
    }

    // ---- WaitForShieldTests ----------------------------------------------------------------

    @Test
    void zeroTimeout() throws Exception {
        run(() -> {
            Task<String> task = createTask(() -> sleep(0.01, "done"));
            var shielded = new AtomicReference<Future<String>>();
            assertThrows(TimeoutError.class, () -> {
                shielded.set(shield(task));
                Asyncio.waitFor(shielded.get(), 0);
            });
            // the shield is cancelled at once; the task behind it keeps running
            assertFalse(task.done());
            assertFalse(task.cancelled());
            assertTrue(shielded.get().cancelled());

            sleep(0.1);
            assertTrue(task.done());
            assertEquals("done", task.result());
        });
    }

    @Test
    void noneTimeout() throws Exception {
        run(() -> {
            Task<String> task = createTask(() -> sleep(0.1, "done"));
            assertEquals("done", Asyncio.waitFor(shield(task), NO_TIMEOUT));
            assertTrue(task.done());
            assertEquals("done", task.await());
            assertEquals(0.1, loop.time());
        });
    }

    @Test
    void shieldedTimeout() throws Exception {
        run(() -> {
            Task<String> task = createTask(() -> sleep(0.1, "done"));
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(shield(task), 0.01));
            assertFalse(task.done());
            assertFalse(task.cancelled());
            assertEquals("done", task.await());
            assertEquals(0.1, loop.time());
        });
    }
}
