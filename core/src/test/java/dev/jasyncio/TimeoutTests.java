package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.currentTask;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.taskGroup;
import static dev.jasyncio.Asyncio.timeout;
import static dev.jasyncio.Asyncio.timeoutAt;
import static dev.jasyncio.Loops.assertStateError;
import static dev.jasyncio.Loops.errorsOutsideTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * CPython 3.13's test_timeouts.py, by behaviour. {@code async with timeout(d) as cm:} is
 * {@code timeout(d, cm -> ...)}; "no deadline" ({@code None}) is {@code POSITIVE_INFINITY}.
 * asyncio's implicit {@code __context__} chains have no Java counterpart: where asyncio inserts a
 * TimeoutError into the context chain of an exception raised while a timeout expires, jasyncio adds
 * it as a suppressed exception (README, "Differences from asyncio"). The two tests of a busy loop
 * run on the real clock. Nothing is skipped; beyond CPython's tests, timeoutInterruptsBlockingCall
 * covers a case only jasyncio has, and the last tests pin conformance invariants 3 to 5.
 */
class TimeoutTests extends LoopTestCase {
    private static final double NO_DEADLINE = Double.POSITIVE_INFINITY;

    /** Python's {@code 1/0}, as a call so that it can end a finally block without a compiler warning. */
    private static void zeroDivision() {
        throw new ArithmeticException("division by zero");
    }

    /** A body that records its Timeout in {@code cm}, then sleeps (a negative time: returns at once). */
    private static TimeoutBody<Void> sleeping(AtomicReference<Timeout> cm, double seconds) {
        return t -> {
            cm.set(t);
            if (seconds >= 0) sleep(seconds);
            return null;
        };
    }

    /** The one suppressed TimeoutError that marks an exception raised while a timeout expired. */
    static TimeoutError suppressedTimeout(Throwable e) {
        List<Throwable> found = Arrays.stream(e.getSuppressed()).filter(s -> s instanceof TimeoutError).toList();
        assertEquals(1, found.size(), () -> "suppressed TimeoutErrors of " + e + ": " + found);
        return (TimeoutError) found.getFirst();
    }

    @Test
    void timeoutBasic() throws Exception {
        var cm = new AtomicReference<Timeout>();
        run(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> timeout(0.01, sleeping(cm, 10)));
            assertInstanceOf(CancelledError.class, e.getCause()); // test_timeout_exception_cause
            assertEquals(0.01, loop.time());
        });
        assertTrue(cm.get().expired());
    }

    @Test
    void timeoutAtBasic() throws Exception {
        run(() -> {
            double deadline = loop.time() + 0.01;
            var cm = new AtomicReference<Timeout>();
            assertThrows(TimeoutError.class, () -> timeoutAt(deadline, sleeping(cm, 10)));
            assertTrue(cm.get().expired());
            assertEquals(deadline, cm.get().when());
            assertEquals(deadline, loop.time());
        });
    }

    @Test
    void nestedTimeouts() throws Exception {
        List<String> trace = new ArrayList<>();
        var cm1 = new AtomicReference<Timeout>();
        var cm2 = new AtomicReference<Timeout>();
        run(() -> {
            double deadline = loop.time() + 0.01;
            assertThrows(TimeoutError.class, () -> timeoutAt(deadline, t1 -> {
                cm1.set(t1);
                try {
                    // only the outermost scope turns the cancellation into TimeoutError
                    return timeoutAt(deadline, sleeping(cm2, 10));
                } catch (CancelledError e) {
                    trace.add("inner scope raised CancelledError");
                    throw e;
                }
            }));
        });
        assertEquals(List.of("inner scope raised CancelledError"), trace);
        assertTrue(cm1.get().expired());
        assertTrue(cm2.get().expired());
    }

    @Test
    void waiterCancelled() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        run(() -> assertThrows(TimeoutError.class, () -> timeout(0.01, () -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                cancelled.set(true);
                throw e;
            }
            return null;
        })));
        assertTrue(cancelled.get());
    }

    @Test
    void timeoutNotCalled() throws Exception {
        var cm = new AtomicReference<Timeout>();
        run(() -> {
            timeout(10, sleeping(cm, 0.01));
            double t1 = loop.time();
            assertEquals(0.01, t1);
            assertFalse(cm.get().expired());
            assertTrue(cm.get().when() > t1);
            assertEquals(10.0, cm.get().when());
        });
    }

    /** No deadline (asyncio's None), given as a delay or as a loop time: the scope never fires. */
    private void assertNoDeadline(boolean absolute) throws Exception {
        var cm = new AtomicReference<Timeout>();
        run(() -> {
            if (absolute) timeoutAt(NO_DEADLINE, sleeping(cm, 3600));
            else timeout(NO_DEADLINE, sleeping(cm, 3600));
        });
        assertFalse(cm.get().expired());
        assertEquals(NO_DEADLINE, cm.get().when());
        assertEquals(3600.0, loop.time());
    }

    @Test
    void timeoutDisabled() throws Exception {
        assertNoDeadline(false);
    }

    @Test
    void timeoutAtDisabled() throws Exception {
        assertNoDeadline(true);
    }

    /** timeout(delay) fires even when the body's await is a single yield. */
    private void assertFiresAtOnce(double delay, double bodySleep) throws Exception {
        run(() -> {
            double t0 = loop.time();
            var cm = new AtomicReference<Timeout>();
            assertThrows(TimeoutError.class, () -> timeout(delay, sleeping(cm, bodySleep)));
            assertEquals(t0, loop.time(), "no time passes");
            assertTrue(cm.get().expired());
            assertEquals(t0 + delay, cm.get().when());
        });
    }

    @Test
    void timeoutZero() throws Exception {
        assertFiresAtOnce(0, 10);
    }

    @Test
    void timeoutZeroSleepZero() throws Exception {
        assertFiresAtOnce(0, 0);
    }

    @Test
    void timeoutInThePastSleepZero() throws Exception {
        assertFiresAtOnce(-11, 0);
    }

    @Test
    void foreignExceptionPassed() throws Exception {
        var cm = new AtomicReference<Timeout>();
        var keyError = new IllegalArgumentException("KeyError");
        run(() -> {
            var e = assertThrows(IllegalArgumentException.class, () -> timeout(0.01, t -> {
                cm.set(t);
                throw keyError;
            }));
            assertSame(keyError, e);
            assertEquals(0, e.getSuppressed().length);
        });
        assertFalse(cm.get().expired());
    }

    @Test
    void timeoutExceptionContext() throws Exception {
        run(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> timeout(0.01, () -> {
                try {
                    zeroDivision();
                } finally {
                    sleep(1);
                }
                return null;
            }));
            // TimeoutError caused by the CancelledError; Java's finally drops the ArithmeticException
            // that asyncio keeps as the CancelledError's __context__
            CancelledError e2 = assertInstanceOf(CancelledError.class, e.getCause());
            assertNull(e2.getCause());
            assertEquals(0, e.getSuppressed().length);
        });
    }

    @Test
    void foreignExceptionOnTimeout() throws Exception {
        run(() -> {
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> timeout(0.01, () -> {
                try {
                    sleep(1);
                } finally {
                    zeroDivision();
                }
                return null;
            }));
            // raised while the timeout expired: it carries a TimeoutError caused by a CancelledError
            assertNull(e.getCause());
            TimeoutError e2 = suppressedTimeout(e);
            assertInstanceOf(CancelledError.class, e2.getCause());
        });
    }

    /**
     * asyncio finds the CancelledError in the context chain of the cleanup's exception. The Java
     * spelling of that chain is an explicit cause: the TimeoutError is then caused by that very
     * CancelledError, and sits on the exception that ended the scope.
     */
    @Test
    void foreignExceptionOnTimeout2() throws Exception {
        run(() -> {
            var cancel = new AtomicReference<CancelledError>();
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> timeout(0.01, () -> {
                try {
                    try {
                        throw new IllegalStateException("ValueError");
                    } finally {
                        sleep(1);
                    }
                } catch (CancelledError ce) {
                    cancel.set(ce);
                    var keyError = new IllegalArgumentException("KeyError", ce);
                    throw (ArithmeticException) new ArithmeticException("division by zero").initCause(keyError);
                }
            }));
            Throwable e2 = e.getCause();
            assertInstanceOf(IllegalArgumentException.class, e2);
            assertSame(cancel.get(), e2.getCause());
            TimeoutError e3 = suppressedTimeout(e);
            assertSame(cancel.get(), e3.getCause());
            assertNull(cancel.get().getCause());
        });
    }

    @Test
    void foreignCancelDoesntTimeoutIfNotExpired() throws Exception {
        var cm = new AtomicReference<Timeout>();
        run(() -> assertThrows(CancelledError.class, () -> timeout(10, t -> {
            cm.set(t);
            currentTask().cancel();
            sleep(10);
            return null;
        })));
        assertFalse(cm.get().expired());
        assertEquals(0.0, loop.time());
    }

    @Test
    void outerTaskIsNotCancelled() throws Exception {
        run(() -> {
            Task<Void> task = createTask(() -> {
                assertThrows(TimeoutError.class, () -> timeout(0.001, () -> sleep(10, null)));
            });
            task.await();
            assertFalse(task.cancelled());
            assertTrue(task.done());
            assertEquals(0, task.cancelling());
        });
    }

    /**
     * Keeps the loop busy (no await) until loop time {@code until}: Python's {@code time.sleep} in
     * a coroutine. In a jasyncio task, Thread.sleep would park only the task, so spin instead.
     */
    private static void crunchNumbers(EventLoop loop, double until) {
        while (loop.time() < until) Thread.onSpinWait();
    }

    /** Runs {@code body} on a loop with the real clock: a busy loop only shows there. */
    private static void runOnRealClock(AsyncRunnable body) throws Exception {
        EventLoop real = new EventLoop();
        try {
            real.setSlowCallbackDuration(10);
            real.runUntilComplete(body.asAwaitable());
        } finally {
            real.close();
        }
    }

    @Test
    void nestedTimeoutsConcurrent() throws Exception {
        List<String> trace = new ArrayList<>();
        runOnRealClock(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            var outer = new AtomicReference<Timeout>();
            assertThrows(TimeoutError.class, () -> timeout(0.002, t1 -> {
                outer.set(t1);
                try {
                    return timeout(0.1, t2 -> {
                        crunchNumbers(loop, t1.when() + 0.008);
                        sleep(1);
                        return null;
                    });
                } catch (Throwable e) {
                    trace.add("inner scope raised " + e.getClass().getSimpleName());
                    throw e;
                }
            }));
            assertTrue(outer.get().expired());
        });
        // the outer deadline passed while the loop was busy: the outer scope fires, the inner one
        // lets the CancelledError through
        assertEquals(List.of("inner scope raised CancelledError"), trace);
    }

    @Test
    void nestedTimeoutsLoopBusy() throws Exception {
        List<String> trace = new ArrayList<>();
        runOnRealClock(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            double t0 = loop.time();
            var outer = new AtomicReference<Timeout>();
            var inner = new AtomicReference<Timeout>();
            assertThrows(TimeoutError.class, () -> timeout(0.1, t1 -> {          // (1)
                outer.set(t1);
                try {
                    timeout(0.01, t2 -> {                                          // (2)
                        inner.set(t2);
                        crunchNumbers(loop, t1.when());  // both deadlines pass while the loop is busy
                        sleep(1);
                        return null;
                    });
                } catch (Throwable e) {
                    trace.add("inner scope raised " + e.getClass().getSimpleName()
                            + ", cancelling=" + currentTask().cancelling());
                    throw e;
                }
                trace.add("after the inner scope");
                sleep(10);
                return null;
            }));
            double t1 = loop.time();
            assertTrue(t0 <= t1 && t1 <= t0 + 1, "t1 - t0 = " + (t1 - t0));
            assertTrue(inner.get().expired());
            assertTrue(outer.get().expired());
            assertEquals(0, currentTask().cancelling());
        });
        // both fired in one iteration: the inner scope's uncancel leaves the outer's request
        // standing, so it lets the CancelledError through and the outermost scope wins
        assertEquals(List.of("inner scope raised CancelledError, cancelling=1"), trace);
    }

    /**
     * jasyncio only (no asyncio counterpart): a task blocked in a JDK call does not hold the loop,
     * so the deadline passes while it blocks; the cancel reaches it as an interrupt, and the scope
     * still ends with TimeoutError. The interrupt was the scope's own, so it is not left set.
     */
    @Test
    void timeoutInterruptsBlockingCall() throws Exception {
        assertBlockingCallTimesOut(InterruptedException.class, () -> Thread.sleep(10_000));
    }

    /** The same for a channel read, which the interrupt ends with ClosedByInterruptException. */
    @Test
    void timeoutInterruptsBlockingChannelRead() throws Exception {
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            assertBlockingCallTimesOut(ClosedByInterruptException.class, () -> source.read(ByteBuffer.allocate(1)));
        }
    }

    private void assertBlockingCallTimesOut(Class<? extends Exception> interruption, AsyncRunnable blockingCall)
            throws Exception {
        run(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> timeout(0.05, () -> {
                blockingCall.run();
                return null;
            }));
            CancelledError ce = assertInstanceOf(CancelledError.class, e.getCause());
            assertInstanceOf(interruption, ce.getCause());
            assertEquals(0.05, loop.time());
            assertEquals(0, currentTask().cancelling());
            assertFalse(Thread.currentThread().isInterrupted());
            Thread.sleep(1); // a blocking call right after is not interrupted
            sleep(1); // no cancellation is left pending
        });
    }

    @Test
    void reschedule() throws Exception {
        run(() -> {
            Future<Timeout> fut = loop.createFuture();
            double deadline1 = loop.time() + 10;
            double deadline2 = deadline1 + 20;
            Task<Void> task = createTask(() -> {
                timeoutAt(deadline1, t -> {
                    fut.setResult(t);
                    sleep(50);
                    return null;
                });
            });
            Timeout cm = fut.await();

            assertEquals(deadline1, cm.when());
            cm.reschedule(deadline2);
            assertEquals(deadline2, cm.when());
            cm.reschedule(NO_DEADLINE);
            assertEquals(NO_DEADLINE, cm.when());

            task.cancel();
            assertThrows(CancelledError.class, task::await);
            assertFalse(cm.expired());
        });
    }

    @Test
    void reprActive() throws Exception {
        run(() -> timeout(10, t -> {
            assertTrue(t.toString().matches("<Timeout \\[active] when=\\d+\\.\\d*>"), t.toString());
            return null;
        }));
    }

    @Test
    void reprExpired() throws Exception {
        var cm = new AtomicReference<Timeout>();
        run(() -> assertThrows(TimeoutError.class, () -> timeout(0.01, sleeping(cm, 10))));
        assertEquals("<Timeout [expired]>", cm.get().toString());
    }

    @Test
    void reprFinished() throws Exception {
        var cm = new AtomicReference<Timeout>();
        run(() -> timeout(10, sleeping(cm, 0)));
        assertEquals("<Timeout [finished]>", cm.get().toString());
    }

    @Test
    void reprDisabled() throws Exception {
        run(() -> timeout(NO_DEADLINE, t -> {
            assertEquals("<Timeout [active] when=None>", t.toString());
            return null;
        }));
    }

    @Test
    void nestedTimeoutInFinally() throws Exception {
        var inner = new AtomicReference<TimeoutError>();
        run(() -> {
            TimeoutError e1 = assertThrows(TimeoutError.class, () -> timeout(0.01, () -> {
                try {
                    sleep(1);
                } finally {
                    inner.set(assertThrows(TimeoutError.class, () -> timeout(0.01, () -> sleep(10, null))));
                    assertEquals(0.02, loop.time());
                }
                return null;
            }));
            // each TimeoutError is caused by its own scope's CancelledError
            CancelledError e12 = assertInstanceOf(CancelledError.class, e1.getCause());
            assertNull(e12.getCause());
            TimeoutError e2 = inner.get();
            CancelledError e22 = assertInstanceOf(CancelledError.class, e2.getCause());
            assertNull(e22.getCause());
            assertNotSame(e12, e22);
            assertEquals(0, currentTask().cancelling());
        });
    }

    /** The start of test_*_after_cancellation: the task cancels itself and swallows the CancelledError. */
    private static void cancelSelfAndSwallow() {
        try {
            currentTask().cancel();
            sleep(1); // work which will be cancelled
        } catch (CancelledError e) {
            // swallowed, without uncancel(): cancelling() stays 1
        }
    }

    @Test
    void timeoutAfterCancellation() throws Exception {
        run(() -> {
            cancelSelfAndSwallow();
            assertThrows(TimeoutError.class, () -> timeout(0.0, () -> sleep(1, null))); // some cleanup
            assertEquals(1, currentTask().cancelling());
        });
    }

    @Test
    void cancelInTimeoutAfterCancellation() throws Exception {
        run(() -> {
            cancelSelfAndSwallow();
            assertThrows(CancelledError.class, () -> timeout(1.0, () -> {
                currentTask().cancel();
                sleep(2);
                return null;
            }));
            assertEquals(2, currentTask().cancelling());
            assertEquals(0.0, loop.time());
        });
    }

    @Test
    void timeoutAlreadyEntered() throws Exception {
        run(() -> timeout(0.01, t -> {
            assertStateError("has already been entered", t::enter);
            return null;
        }));
    }

    @Test
    void timeoutDoubleEnter() throws Exception {
        var cm = new AtomicReference<Timeout>();
        run(() -> {
            timeout(0.01, sleeping(cm, -1));
            assertStateError("has already been entered", cm.get()::enter);
        });
    }

    @Test
    void timeoutFinished() throws Exception {
        run(() -> {
            var cm = new AtomicReference<Timeout>();
            timeout(0.01, sleeping(cm, -1));
            assertStateError("finished", () -> cm.get().reschedule(0.02));
        });
    }

    @Test
    void timeoutExpired() throws Exception {
        run(() -> {
            var cm = new AtomicReference<Timeout>();
            assertThrows(TimeoutError.class, () -> timeout(0.01, sleeping(cm, 1)));
            assertStateError("expired", () -> cm.get().reschedule(0.02));
        });
    }

    @Test
    void timeoutExpiring() throws Exception {
        run(() -> {
            String result = timeout(0.01, t -> {
                assertThrows(CancelledError.class, () -> sleep(1));
                assertStateError("expiring", () -> t.reschedule(0.02));
                return "the body swallowed the cancellation";
            });
            assertEquals("the body swallowed the cancellation", result);
        });
    }

    @Test
    void timeoutNotEntered() {
        Timeout cm = new Timeout(0.01);
        assertStateError("has not been entered", () -> cm.reschedule(0.02));
    }

    /** asyncio's await_without_task: entering from a callback of the running loop, outside any task. */
    @Test
    void timeoutWithoutTask() throws Exception {
        Timeout cm = new Timeout(0.01);
        var errors = new AtomicReference<List<Throwable>>();
        run(() -> errors.set(errorsOutsideTask(cm::enter, () -> timeout(0.01, () -> null))));
        assertEquals(2, errors.get().size(), errors.get().toString());
        for (Throwable e : errors.get()) {
            assertInstanceOf(IllegalStateException.class, e);
            assertTrue(e.getMessage().contains("task"), e.getMessage());
        }
        assertStateError("has not been entered", () -> cm.reschedule(0.02));
    }

    @Test
    void cancelMessagePassesThrough() throws Exception {
        run(() -> {
            Task<Void> t = createTask(() -> {
                timeout(10, () -> sleep(10, null));
            });
            sleep(1);
            t.cancel("msg");
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertEquals("msg", e.getMessage());
            assertTrue(t.cancelled());
        });
    }

    /**
     * Invariant 4: a cancel from outside that arrives while an expired scope's body is still
     * cleaning up is not swallowed: the scope lets the CancelledError through.
     */
    @Test
    void externalCancelWhileExpiringIsNotSwallowed() throws Exception {
        run(() -> {
            var cm = new AtomicReference<Timeout>();
            Task<Void> t = createTask(() -> {
                timeout(1, c -> {
                    cm.set(c);
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        sleep(0.5); // cleanup, cut short by the cancel below
                        throw e;
                    }
                    return null;
                });
            });
            sleep(1.2);
            assertTrue(cm.get().expired());
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.cancelled());
            assertEquals(1.2, loop.time());
        });
    }

    /** Invariant 5: when only the inner deadline fires, the inner scope raises and the outer goes on. */
    @Test
    void innerTimeoutAloneRaisesInInnerScope() throws Exception {
        run(() -> {
            var outer = new AtomicReference<Timeout>();
            String result = timeout(10, t1 -> {
                outer.set(t1);
                assertThrows(TimeoutError.class, () -> timeout(1, () -> sleep(5, null)));
                assertEquals(0, currentTask().cancelling());
                sleep(2);
                return "outer body finished";
            });
            assertEquals("outer body finished", result);
            assertFalse(outer.get().expired());
            assertEquals(3.0, loop.time());
        });
    }

    @Test
    void timeoutTaskgroup() throws Exception {
        run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> timeout(0.01, () -> taskGroup((TaskGroupBody<Void>) tg -> {
                tg.createTask(() -> {
                    try {
                        sleep(2); // interrupted after 0.01 s
                    } finally {
                        zeroDivision(); // crash in cleanup
                    }
                });
                try {
                    throw new IllegalStateException("ValueError");
                } finally {
                    sleep(1);
                }
            })));
            // the group ended a scope that timed out: it carries a TimeoutError caused by the
            // CancelledError that interrupted the body (the group's cause stands for its __context__)
            CancelledError e2 = assertInstanceOf(CancelledError.class, eg.getCause());
            TimeoutError e1 = suppressedTimeout(eg);
            assertSame(e2, e1.getCause());

            assertEquals(1, eg.exceptions().size(), eg.exceptions().toString());
            // the child's error also carries a TimeoutError, caused by a different CancelledError
            Throwable c1 = assertInstanceOf(ArithmeticException.class, eg.exceptions().getFirst());
            assertNull(c1.getCause());
            TimeoutError c2 = suppressedTimeout(c1);
            CancelledError c3 = assertInstanceOf(CancelledError.class, c2.getCause());
            assertNotSame(e2, c3);
            assertEquals(0.01, loop.time());
            assertEquals(0, currentTask().cancelling());
        });
    }
}
