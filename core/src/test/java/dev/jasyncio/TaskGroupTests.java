package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.currentTask;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.taskGroup;
import static dev.jasyncio.Loops.assertStateError;
import static dev.jasyncio.Loops.errorsOutsideTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.Serial;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * CPython 3.13's test_taskgroups.py, by behaviour. {@code async with TaskGroup() as g:} is
 * {@code taskGroup(g -> ...)}; {@code except* E} is catching the ExceptionGroup and checking that E
 * is all it holds. Python's KeyboardInterrupt/SystemExit are VirtualMachineErrors here, and its
 * other BaseExceptions are other Errors (README, "Differences from asyncio").
 *
 * <p>Not ported, having no Java meaning: test_taskgroup_task_context (contextvars), the
 * TestEagerTaskTaskGroup run of every test (no eager task factory), and the six
 * test_exception_refcycles_* tests (they count garbage-collector referrers). Ported beyond
 * CPython: taskgroup21, which CPython keeps disabled (a KeyboardInterrupt crashes its loop), and
 * the last tests, which pin conformance invariants 3, 5 and 11. The ports of test_taskgroup_finished and
 * test_coro_closed_when_tg_closed check that the refused coroutine never runs and leaves no task.
 */
class TaskGroupTests extends LoopTestCase {

    static final class MyExc extends Exception {
        @Serial private static final long serialVersionUID = 1L;
    }

    /** A BaseException that is neither KeyboardInterrupt nor SystemExit. */
    static final class MyBaseExc extends Error {
        @Serial private static final long serialVersionUID = 1L;
    }

    /** Stands for Python's KeyboardInterrupt: it leaves a task group bare. */
    static final class KeyboardInterrupt extends VirtualMachineError {
        @Serial private static final long serialVersionUID = 1L;
    }

    /** Python's {@code 1/0}, as a call so that it can end a finally block without a compiler warning. */
    private static void zeroDivision() {
        throw new ArithmeticException("division by zero");
    }

    /** foo1() and crash_soon() of several tests. */
    private static void zeroDivisionAfter(double t) {
        sleep(t);
        zeroDivision();
    }

    /** Sleeps {@code t}; if cancelled meanwhile, notes it in {@code cancelled} and passes the cancellation on. */
    private static void sleepNotingCancel(double t, AtomicBoolean cancelled) {
        try {
            sleep(t);
        } catch (CancelledError e) {
            cancelled.set(true);
            throw e;
        }
    }

    private static void raise(Throwable e) {
        throw dev.jasyncio.internal.Throwables.sneaky(e);
    }

    private static Set<Class<?>> errorTypes(ExceptionGroup eg) {
        Set<Class<?>> types = new HashSet<>();
        for (Throwable e : eg.exceptions()) types.add(e.getClass());
        return types;
    }

    /** {@code try: block / except* type:} the block raises a group of nothing but {@code type} (anything else would propagate). */
    private static ExceptionGroup exceptStar(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable block) {
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, block);
        assertEquals(Set.of(type), errorTypes(eg), eg.exceptions().toString());
        return eg;
    }

    /** The number of unfinished children, from the group's asyncio-style repr ("tasks=N"). */
    private static int taskCount(TaskGroup g) {
        Matcher m = Pattern.compile(" tasks=(\\d+)").matcher(g.toString());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    @Test
    void taskgroup01() throws Exception {
        run(() -> {
            List<Task<Integer>> t = taskGroup(g -> {
                return List.of(g.createTask(() -> sleep(0.1, 42)), g.createTask(() -> sleep(0.2, 11)));
            });
            assertEquals(42, t.get(0).result());
            assertEquals(11, t.get(1).result());
            assertEquals(0.2, loop.time());
        });
    }

    @Test
    void taskgroup02() throws Exception {
        run(() -> {
            List<Task<Integer>> t = taskGroup(g -> {
                Task<Integer> t1 = g.createTask(() -> sleep(0.1, 42));
                sleep(0.15);
                Task<Integer> t2 = g.createTask(() -> sleep(0.2, 11));
                return List.of(t1, t2);
            });
            assertEquals(42, t.get(0).result());
            assertEquals(11, t.get(1).result());
            assertEquals(0.35, loop.time(), 1e-9);
        });
    }

    @Test
    void taskgroup03() throws Exception {
        run(() -> {
            List<Task<Integer>> t = taskGroup(g -> {
                Task<Integer> t1 = g.createTask(() -> sleep(1, 42));
                sleep(0.15);
                // cancel t1 explicitly: everything else goes on as usual
                t1.cancel();
                Task<Integer> t2 = g.createTask(() -> sleep(0.2, 11));
                return List.of(t1, t2);
            });
            assertTrue(t.get(0).cancelled());
            assertEquals(11, t.get(1).result());
            assertEquals(0.35, loop.time(), 1e-9);
        });
    }

    @Test
    void taskgroup04() throws Exception {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        var t2 = new AtomicReference<Task<Void>>();
        run(() -> {
            Task<Void> runner = createTask(() -> {
                taskGroup(g -> {
                    g.createTask(() -> zeroDivisionAfter(0.1));
                    t2.set(g.createTask(() -> {
                        sleepNotingCancel(1, t2Cancel);
                        num.addAndGet(1);
                    }));
                });
                num.addAndGet(10);
            });
            exceptStar(ArithmeticException.class, runner::await);
            assertEquals(0.1, loop.time());
        });
        assertEquals(0, num.get());
        assertTrue(t2Cancel.get());
        assertTrue(t2.get().cancelled());
    }

    @Test
    void cancelChildrenOnChildError() throws Exception {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        AtomicBoolean runnerCancel = new AtomicBoolean();
        run(() -> {
            Task<Void> runner = createTask(() -> {
                taskGroup(g -> {
                    for (int i = 0; i < 3; i++) g.createTask(() -> zeroDivisionAfter(0.1));
                    g.createTask(() -> {
                        sleepNotingCancel(5, t2Cancel);
                        num.addAndGet(1);
                    });
                    sleepNotingCancel(10, runnerCancel);
                });
                num.addAndGet(10);
            });
            ExceptionGroup eg = exceptStar(ArithmeticException.class, runner::await);
            // on the virtual clock the three crash in the same iteration, before the abort
            assertEquals(3, eg.exceptions().size());
        });
        assertEquals(0, num.get());
        assertTrue(t2Cancel.get());
        assertTrue(runnerCancel.get());
    }

    /**
     * The shape of test_cancellation, _07, _08, _11, _12 and _15 to _18: runs {@code runner} as a
     * task, cancels it from outside after 0.1 s, and returns what awaiting it throws.
     */
    private static <E extends Throwable> E cancelAfterAWhile(AsyncRunnable runner, Class<E> expected) {
        Task<Void> r = createTask(runner);
        sleep(0.1);
        assertFalse(r.done());
        r.cancel();
        E e = assertThrows(expected, r::await);
        assertEquals(expected == CancelledError.class, r.cancelled());
        return e;
    }

    /** Sleeps; adds {@code by} to {@code num} if cancelled meanwhile (foo() of test_cancellation). */
    private static void countCancel(AtomicInteger num, int by) {
        try {
            sleep(5);
        } catch (CancelledError e) {
            num.addAndGet(by);
            throw e;
        }
    }

    @Test
    void cancellation() throws Exception {
        AtomicInteger num = new AtomicInteger();
        run(() -> cancelAfterAWhile(() -> taskGroup(g -> {
            for (int i = 0; i < 5; i++) g.createTask(() -> countCancel(num, 1));
        }), CancelledError.class));
        assertEquals(5, num.get());
    }

    @Test
    void taskgroup07() throws Exception {
        AtomicInteger num = new AtomicInteger();
        run(() -> cancelAfterAWhile(() -> taskGroup(g -> {
            for (int i = 0; i < 5; i++) g.createTask(() -> countCancel(num, 1));
            countCancel(num, 10);
        }), CancelledError.class));
        assertEquals(15, num.get());
    }

    /** foo() of test_taskgroup_08, _11 and _12: crashes in its cleanup when cancelled. */
    private static void crashInCleanup() {
        try {
            sleep(10);
        } finally {
            zeroDivision();
        }
    }

    @Test
    void taskgroup08() throws Exception {
        run(() -> {
            // the children's errors win over the cancellation
            ExceptionGroup eg = cancelAfterAWhile(() -> taskGroup(g -> {
                for (int i = 0; i < 5; i++) g.createTask(TaskGroupTests::crashInCleanup);
                sleep(10);
            }), ExceptionGroup.class);
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            assertEquals(5, eg.exceptions().size());
        });
    }

    /** test_taskgroup_09 and _10: the body fails, after {@code sleepFirst} or at once. */
    private void assertBodyErrorCancelsChildren(double sleepFirst) throws Exception {
        run(() -> {
            var t = new ArrayList<Task<Integer>>();
            ExceptionGroup eg = exceptStar(ArithmeticException.class, () -> taskGroup(g -> {
                t.add(g.createTask(() -> sleep(1, 42)));
                t.add(g.createTask(() -> sleep(2, 11)));
                if (sleepFirst > 0) sleep(sleepFirst);
                zeroDivision();
            }));
            assertTrue(t.get(0).cancelled());
            assertTrue(t.get(1).cancelled());
            assertEquals(sleepFirst, loop.time());
        });
    }

    @Test
    void taskgroup09() throws Exception {
        assertBodyErrorCancelsChildren(0.1);
    }

    @Test
    void taskgroup10() throws Exception {
        assertBodyErrorCancelsChildren(0);
    }

    /** test_taskgroup_11 and _12: an inner group's errors reach the outer one as a nested group. */
    private void assertNestedGroupErrors(boolean outerChild) throws Exception {
        run(() -> {
            ExceptionGroup eg = cancelAfterAWhile(() -> taskGroup(g1 -> {
                if (outerChild) g1.createTask(() -> sleep(10));
                taskGroup(g2 -> {
                    for (int i = 0; i < 5; i++) g2.createTask(TaskGroupTests::crashInCleanup);
                    sleep(10);
                });
            }), ExceptionGroup.class);
            assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
            assertEquals(Set.of(ArithmeticException.class), errorTypes((ExceptionGroup) eg.exceptions().getFirst()));
        });
    }

    @Test
    void taskgroup11() throws Exception {
        assertNestedGroupErrors(false);
    }

    @Test
    void taskgroup12() throws Exception {
        assertNestedGroupErrors(true);
    }

    private static Void crashAfter(double t) {
        sleep(t);
        throw new IllegalArgumentException("ValueError(" + t + ")");
    }

    /** test_taskgroup_13 and _14: a child of each group crashes, the outer's or the inner's first. */
    private ExceptionGroup crashInNestedGroups(double outerCrash, double innerCrash) throws Exception {
        var eg = new AtomicReference<ExceptionGroup>();
        run(() -> {
            Task<Void> r = createTask(() -> {
                taskGroup(g1 -> {
                    g1.createTask(() -> crashAfter(outerCrash));
                    taskGroup(g2 -> {
                        g2.createTask(() -> crashAfter(innerCrash));
                    });
                });
            });
            eg.set(assertThrows(ExceptionGroup.class, r::await));
            assertEquals(Math.min(outerCrash, innerCrash), loop.time());
        });
        return eg.get();
    }

    @Test
    void taskgroup13() throws Exception {
        // the outer child's failure cancels the inner group, which then has no error of its own
        ExceptionGroup eg = crashInNestedGroups(0.1, 10);
        assertEquals(Set.of(IllegalArgumentException.class), errorTypes(eg));
    }

    @Test
    void taskgroup14() throws Exception {
        ExceptionGroup eg = crashInNestedGroups(10, 0.1);
        assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
        assertEquals(Set.of(IllegalArgumentException.class), errorTypes((ExceptionGroup) eg.exceptions().getFirst()));
    }

    /** runner() of test_taskgroup_15 and _16: the body lingers 0.5 s after its cancellation. */
    private static void lingeringBody() throws Exception {
        taskGroup(g1 -> {
            g1.createTask(() -> zeroDivisionAfter(0.3));
            try {
                sleep(10);
            } catch (CancelledError e) {
                sleep(0.5);
                throw e;
            }
        });
    }

    @Test
    void taskgroup15() throws Exception {
        run(() -> {
            ExceptionGroup eg = cancelAfterAWhile(TaskGroupTests::lingeringBody, ExceptionGroup.class);
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            // the child's failure at 0.3 cut the lingering short
            assertEquals(0.3, loop.time(), 1e-9);
        });
    }

    @Test
    void taskgroup16() throws Exception {
        run(() -> {
            ExceptionGroup eg = cancelAfterAWhile(() -> createTask(TaskGroupTests::lingeringBody).await(),
                    ExceptionGroup.class);
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            assertEquals(0.3, loop.time(), 1e-9);
        });
    }

    @Test
    void taskgroup17() throws Exception {
        AtomicInteger num = new AtomicInteger();
        run(() -> cancelAfterAWhile(() -> taskGroup(g -> {
            countCancel(num, 10);
        }), CancelledError.class));
        assertEquals(10, num.get());
    }

    @Test
    void taskgroup18() throws Exception {
        AtomicInteger num = new AtomicInteger();
        run(() -> {
            ExceptionGroup eg = cancelAfterAWhile(() -> taskGroup(g -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    num.addAndGet(10);
                    // not a good idea, but supported: the cancellation becomes an error
                    throw new MyExc();
                }
            }), ExceptionGroup.class);
            assertEquals(Set.of(MyExc.class), errorTypes(eg));
        });
        assertEquals(10, num.get());
    }

    /** test_taskgroup_19 to _21a: a child fails while the body fails in its own cleanup. */
    private static void crashSoonWhileNested(Throwable childError, Throwable bodyError) throws Exception {
        taskGroup(g -> {
            g.createTask(() -> {
                sleep(0.1);
                raise(childError);
            });
            try {
                sleep(10);
            } finally {
                raise(bodyError);
            }
        });
    }

    @Test
    void taskgroup19() throws Exception {
        run(() -> {
            Task<Void> r = createTask(() -> crashSoonWhileNested(new ArithmeticException(), new MyExc()));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(MyExc.class, ArithmeticException.class), errorTypes(eg));
        });
    }

    @Test
    void taskgroup20() throws Exception {
        run(() -> {
            KeyboardInterrupt ki = new KeyboardInterrupt();
            var e = assertThrows(KeyboardInterrupt.class, () -> crashSoonWhileNested(new ArithmeticException(), ki));
            assertSame(ki, e);
        });
    }

    @Test
    void taskgroup20a() throws Exception {
        run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class,
                    () -> crashSoonWhileNested(new ArithmeticException(), new MyBaseExc()));
            assertEquals(Set.of(MyBaseExc.class, ArithmeticException.class), errorTypes(eg));
        });
    }

    /**
     * CPython has this one disabled (_test_taskgroup_21): a KeyboardInterrupt from a child crashes
     * asyncio's loop. Here the child's VirtualMachineError leaves the group bare, as the README says.
     */
    @Test
    void taskgroup21() throws Exception {
        run(() -> {
            KeyboardInterrupt ki = new KeyboardInterrupt();
            var e = assertThrows(KeyboardInterrupt.class,
                    () -> crashSoonWhileNested(ki, new IllegalArgumentException("TypeError")));
            assertSame(ki, e);
        });
    }

    @Test
    void taskgroup21a() throws Exception {
        run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class,
                    () -> crashSoonWhileNested(new MyBaseExc(), new IllegalArgumentException("TypeError")));
            assertEquals(Set.of(MyBaseExc.class, IllegalArgumentException.class), errorTypes(eg));
        });
    }

    @Test
    void taskgroup22() throws Exception {
        run(() -> {
            Task<Void> r = createTask(() -> {
                taskGroup(g -> {
                    g.createTask(() -> sleep(1, 42));
                    g.createTask(() -> sleep(2, 11));
                });
            });
            sleep(0.05);
            r.cancel();
            assertThrows(CancelledError.class, r::await);
            assertEquals(0.05, loop.time());
        });
    }

    @Test
    void taskgroup23() throws Exception {
        run(() -> taskGroup(g -> {
            for (int count = 0; count < 10; count++) {
                sleep(0.1);
                g.createTask(() -> sleep(0.3));
                if (count == 5) assertTrue(taskCount(g) < 5, g.toString());
            }
            sleep(1.35);
            assertEquals(0, taskCount(g), g.toString());
        }));
    }

    @Test
    void taskgroup24() throws Exception {
        List<Task<Void>> grandchildren = new ArrayList<>();
        run(() -> taskGroup(g -> {
            g.createTask(() -> {
                sleep(0.1);
                grandchildren.add(g.createTask(() -> sleep(0.1)));
                grandchildren.add(g.createTask(() -> sleep(0.2)));
            });
        }));
        // the group waited for the tasks its child created while it was exiting
        assertEquals(2, grandchildren.size());
        assertTrue(grandchildren.stream().allMatch(t -> t.done() && !t.cancelled()));
        assertEquals(0.3, loop.time(), 1e-9);
    }

    private static void hydra(TaskGroup g, AtomicInteger nhydras) {
        nhydras.incrementAndGet();
        sleep(0.01);
        g.createTask(() -> hydra(g, nhydras));
        g.createTask(() -> hydra(g, nhydras));
    }

    @Test
    void taskgroup25() throws Exception {
        AtomicInteger nhydras = new AtomicInteger();
        run(() -> {
            exceptStar(ArithmeticException.class, () -> taskGroup(g -> {
                g.createTask(() -> hydra(g, nhydras));
                g.createTask(() -> {
                    while (nhydras.get() < 10) sleep(0.015);
                    zeroDivision();
                });
            }));
        });
        assertTrue(nhydras.get() >= 10, String.valueOf(nhydras.get()));
    }

    @Test
    void taskgroupTaskName() throws Exception {
        run(() -> taskGroup(g -> {
            Task<Void> t = g.createTask(() -> sleep(0), "yolo");
            assertEquals("yolo", t.getName());
        }));
    }

    @Test
    void taskgroupNoCreateTaskAfterFailure() throws Exception {
        AtomicBoolean refused = new AtomicBoolean();
        run(() -> {
            ExceptionGroup eg = exceptStar(ArithmeticException.class, () -> taskGroup(g -> {
                AsyncRunnable coro1 = () -> zeroDivisionAfter(0.001);
                g.createTask(coro1);
                g.createTask(() -> {
                    try {
                        sleep(1);
                    } catch (CancelledError e) {
                        var ise = assertThrows(IllegalStateException.class, () -> g.createTask(coro1));
                        assertTrue(ise.getMessage().contains("is shutting down"), ise.getMessage());
                        refused.set(true);
                    }
                });
            }));
        });
        assertTrue(refused.get());
    }

    static final class CustomException extends Exception {
        @Serial private static final long serialVersionUID = 1L;
    }

    /** The asynccontextmanager {@code database()}: its exit raises whatever the body did. */
    private static void database(AsyncRunnable body) throws Exception {
        try {
            body.run();
        } finally {
            raise(new CustomException());
        }
    }

    @Test
    void taskgroupContextManagerExitRaises() throws Exception {
        run(() -> createTask(() -> {
            Task<?> task = currentTask();
            ExceptionGroup err = exceptStar(CustomException.class, () -> taskGroup(tg -> {
                database(() -> {
                    tg.createTask(() -> raise(new CustomException()));
                    sleep(1);
                });
            }));
            assertEquals(0, task.cancelling());
            assertEquals(2, err.exceptions().size());
        }).await());
    }

    @Test
    void taskgroupAlreadyEntered() throws Exception {
        run(() -> taskGroup(tg -> {
            assertStateError("has already been entered", tg::enter);
        }));
    }

    @Test
    void taskgroupDoubleEnter() throws Exception {
        var group = new AtomicReference<TaskGroup>();
        run(() -> {
            taskGroup(group::set);
            assertStateError("has already been entered", group.get()::enter);
        });
    }

    /** A finished group refuses new tasks; the coroutine never runs and no task is left behind. */
    private void assertFinishedGroupRefuses() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        List<ErrorContext> errors = Loops.recordErrors(loop);
        run(() -> {
            var group = new AtomicReference<TaskGroup>();
            taskGroup(group::set);
            Set<Task<?>> before = Asyncio.allTasks();
            assertStateError("is finished", () -> group.get().createTask(() -> ran.set(true)));
            assertEquals(before, Asyncio.allTasks());
            sleep(0);
        });
        assertFalse(ran.get());
        assertEquals(List.of(), errors);
    }

    @Test
    void taskgroupFinished() throws Exception {
        assertFinishedGroupRefuses();
    }

    @Test
    void coroClosedWhenTgClosed() throws Exception {
        // CPython runs this one through loop.run_until_complete rather than the test's own runner
        assertFinishedGroupRefuses();
        assertTrue(loop.pendingTasks().isEmpty());
    }

    @Test
    void taskgroupNotEntered() {
        TaskGroup tg = new TaskGroup();
        assertStateError("has not been entered", () -> tg.createTask(() -> sleep(0)));
    }

    /** asyncio's await_without_task: entering from a callback of the running loop, outside any task. */
    @Test
    void taskgroupWithoutParentTask() throws Exception {
        TaskGroup tg = new TaskGroup();
        var errors = new AtomicReference<List<Throwable>>();
        run(() -> {
            errors.set(errorsOutsideTask(tg::enter, () -> taskGroup(g -> {})));
            assertStateError("has not been entered", () -> tg.createTask(() -> sleep(0)));
        });
        assertEquals(2, errors.get().size(), errors.get().toString());
        for (Throwable e : errors.get()) {
            assertInstanceOf(IllegalStateException.class, e);
            assertTrue(e.getMessage().contains("parent task"), e.getMessage());
        }
    }

    private static void raiseAfter(double t, Throwable e) {
        sleep(t);
        raise(e);
    }

    @Test
    void cancellingLevelPreserved() throws Exception {
        run(() -> {
            exceptStar(IllegalStateException.class, () -> taskGroup(tg -> {
                tg.createTask(() -> raiseAfter(0.0, new IllegalStateException("RuntimeError")));
            }));
            assertEquals(0, currentTask().cancelling());
        });
    }

    @Test
    void nestedGroupsBothCancelled() throws Exception {
        run(() -> {
            exceptStar(IllegalArgumentException.class, () -> taskGroup(outerTg -> {
                exceptStar(IllegalStateException.class, () -> taskGroup(innerTg -> {
                    innerTg.createTask(() -> raiseAfter(0, new IllegalStateException("RuntimeError")));
                    outerTg.createTask(() -> raiseAfter(0, new IllegalArgumentException("ValueError")));
                }));
                assertEquals(1, currentTask().cancelling());
            }));
            assertEquals(0, currentTask().cancelling());
        });
    }

    @Test
    void errorAndCancel() throws Exception {
        run(() -> {
            Event event = new Event();
            Task<Void> t = createTask(() -> {
                exceptStar(IllegalStateException.class, () -> taskGroup(tg -> {
                    tg.createTask(() -> {
                        event.set();
                        sleep(0);
                        throw new IllegalStateException("RuntimeError");
                    });
                    sleep(1);
                    fail("Sleep in group should have been cancelled");
                }));
                assertEquals(1, currentTask().cancelling());
                sleep(1);
                fail("Sleep after group should have been cancelled");
            });
            event.await();
            assertEquals(0, t.cancelling());
            t.cancel();
            assertEquals(1, t.cancelling());
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.cancelled());
            assertEquals(0.0, loop.time());
        });
    }

    @Test
    void name() throws Exception {
        var name = new AtomicReference<String>();
        run(() -> taskGroup(tg -> {
            tg.createTask(() -> name.set(currentTask().getName()), "example name");
        }));
        assertEquals("example name", name.get());
    }

    /** gh-128550: a task created by a child that fails before the child yields still cancels the creator. */
    @Test
    void cancelsTaskIfCreatedDuringCreation() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        run(() -> exceptStar(MyExc.class, () -> taskGroup(tg -> {
            tg.createTask(() -> {
                tg.createTask(() -> raise(new MyExc()));
                assertThrows(CancelledError.class, () -> {
                    sleep(0); // eager tasks would be cancelled here
                    sleep(0); // lazy tasks are cancelled here
                });
                ran.set(true);
            });
        })));
        assertTrue(ran.get());
    }

    @Test
    void cancellationDoesNotLeakOutOfTg() throws Exception {
        run(() -> {
            ExceptionGroup eg = exceptStar(MyExc.class, () -> taskGroup(tg -> {
                tg.createTask(() -> raise(new MyExc()));
            }));
            assertEquals(1, eg.exceptions().size());
            assertEquals(0, currentTask().cancelling());
            // a cancellation leaked from the group would be delivered here
            sleep(0);
        });
    }

    // ---- conformance invariants 3 and 11, beyond test_taskgroups.py ------------------------

    /** Invariant 3: a cancel's message reaches the caller, whether the body or the exit was waiting. */
    @Test
    void cancelMessagePassesThrough() throws Exception {
        for (boolean bodyWaits : new boolean[] {false, true}) {
            run(() -> {
                Task<Void> t = createTask(() -> {
                    taskGroup(tg -> {
                        tg.createTask(() -> sleep(10));
                        if (bodyWaits) sleep(10);
                    });
                });
                sleep(1);
                t.cancel("msg");
                CancelledError e = assertThrows(CancelledError.class, t::await);
                assertEquals("msg", e.getMessage(), "body waits: " + bodyWaits);
                assertTrue(t.cancelled());
            });
        }
    }

    /** Invariant 5 with a group: the deadline passes while the group's exit waits for its children. */
    @Test
    void timeoutWhileExitWaits() throws Exception {
        run(() -> {
            var child = new AtomicReference<Task<Void>>();
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.timeout(1, () -> {
                taskGroup(tg -> {
                    child.set(tg.createTask(() -> sleep(10)));
                });
                return null;
            }));
            assertInstanceOf(CancelledError.class, e.getCause());
            assertTrue(child.get().cancelled());
            assertEquals(1.0, loop.time());
            assertEquals(0, currentTask().cancelling());
        });
    }

    /**
     * Invariant 11: the group aborts once. A second child failing while the body still handles
     * the first abort does not cancel the body again; both errors are reported, each also as a
     * suppressed exception, and the host's cancel count is back to 0 afterwards.
     */
    @Test
    void oneAbort() throws Exception {
        List<Object> trace = new ArrayList<>();
        run(() -> {
            var valueError = new IllegalArgumentException("ValueError");
            var keyError = new IllegalStateException("KeyError");
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> taskGroup(tg -> {
                tg.createTask(() -> raiseAfter(0.1, valueError));
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } finally {
                        raiseAfter(0.05, keyError);
                    }
                });
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    trace.add(currentTask().cancelling());
                    sleep(0.2); // not cut short by the second failure, at 0.15
                    trace.add(currentTask().cancelling());
                    throw e;
                }
            }));
            assertEquals(List.of(valueError, keyError), eg.exceptions());
            assertEquals(List.of(valueError, keyError), List.of(eg.getSuppressed()));
            assertEquals("unhandled errors in a TaskGroup (2 sub-exceptions)", eg.getMessage());
            assertEquals(0.3, loop.time(), 1e-9);
            assertEquals(0, currentTask().cancelling());
        });
        assertEquals(List.of(1, 1), trace);
    }
}
