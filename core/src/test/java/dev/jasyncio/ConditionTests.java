package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.runVirtual;
import static dev.jasyncio.Asyncio.timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's test_locks.ConditionTests, by behaviour. Tests named wait/notify/notifyAll in CPython
 * keep their "test" prefix here, since those names are final methods of Object.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive fails the test instead of hanging it
class ConditionTests {

    /** c1..c3 each acquire, wait, and record, keeping the lock (as in CPython's test_wait). */
    private static Task<Boolean> waitAndRecordKeepingLock(Condition cond, List<Integer> result, int tag) {
        return createTask(() -> {
            cond.acquire();
            if (cond.await()) result.add(tag);
            return true;
        });
    }

    /** The same, releasing the lock after recording (CPython's test_notify, test_notify_all). */
    private static Task<Boolean> waitAndRecord(Condition cond, List<Integer> result, int tag) {
        return createTask(() -> {
            cond.acquire();
            if (cond.await()) {
                result.add(tag);
                cond.release();
            }
            return true;
        });
    }

    @Test
    void testWait() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waitAndRecordKeepingLock(cond, result, 1);
            Task<Boolean> t2 = waitAndRecordKeepingLock(cond, result, 2);
            Task<Boolean> t3 = waitAndRecordKeepingLock(cond, result, 3);
            sleep(0);
            assertEquals(List.of(), result);
            assertFalse(cond.locked());

            assertTrue(cond.acquire());
            cond.signal();
            sleep(0);
            assertEquals(List.of(), result);   // notified, but the lock is still ours
            assertTrue(cond.locked());

            cond.release();
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(cond.locked());         // t1 re-acquired it and kept it

            cond.signal(2);
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(cond.locked());

            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2), result);
            assertTrue(cond.locked());

            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(cond.locked());

            for (Task<Boolean> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertTrue(t.result());
            }
        });
    }

    /** test_wait_cancel: a cancelled wait leaves no waiter and holds the lock again. */
    @Test
    void waitCancel() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            cond.acquire();
            Task<Boolean> wait = createTask(cond::await);
            getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, wait::await);
            assertTrue(cond.waiters.isEmpty());
            assertTrue(cond.locked());
        });
    }

    /**
     * test_wait_cancel_contested: notified, then cancelled while re-acquiring a contested lock.
     * The waiter still re-acquires before it leaves. (CPython 3.13 ends the task cancelled here:
     * the cancel lands on its lock waiter; we check the same.)
     */
    @Test
    void waitCancelContested() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            cond.acquire();
            assertTrue(cond.locked());
            Task<Boolean> waitTask = createTask(cond::await);
            sleep(0);
            assertFalse(cond.locked());

            cond.acquire();
            assertTrue(cond.locked());
            cond.signal();
            getRunningLoop().callSoon(waitTask::cancel);
            getRunningLoop().callSoon(cond::release);
            assertThrows(CancelledError.class, waitTask::await);
            assertTrue(waitTask.cancelled());
            assertTrue(cond.locked());
        });
    }

    /** test_wait_cancel_after_notify (bpo-32841): cancelled while waiting for the lock after a notify. */
    @Test
    void waitCancelAfterNotify() throws Exception {
        runVirtual(() -> {
            boolean[] waited = {false};
            Condition cond = new Condition();
            Task<Void> waiter = createTask(() -> {
                try (Guard _ = cond.hold()) {
                    waited[0] = true;
                    cond.await();
                }
            });
            sleep(0);

            cond.acquire();
            cond.signal();
            sleep(0);                // waiter gets to acquire()
            waiter.cancel();
            sleep(0);                // cancellation is pending on the lock
            cond.release();
            sleep(0);                // cancellation occurs

            assertTrue(waiter.cancelled());
            assertTrue(waited[0]);
        });
    }

    @Test
    void waitUnacquired() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            var e = assertThrows(IllegalStateException.class, cond::await);
            assertEquals("cannot wait on un-acquired lock", e.getMessage());
        });
    }

    @Test
    void waitFor() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            boolean[] presult = {false};
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = createTask(() -> {
                cond.acquire();
                if (cond.awaitFor(() -> presult[0])) {
                    result.add(1);
                    cond.release();
                }
                return true;
            });
            sleep(0);
            assertEquals(List.of(), result);

            cond.acquire();
            cond.signal();
            cond.release();
            sleep(0);
            assertEquals(List.of(), result);   // woken, predicate still false: waits again

            presult[0] = true;
            cond.acquire();
            cond.signal();
            cond.release();
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    /** test_wait_for_unacquired: a predicate already true needs no lock; otherwise waiting does. */
    @Test
    void waitForUnacquired() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            assertEquals(List.of(1, 2, 3), cond.awaitFor(() -> List.of(1, 2, 3)));
            assertThrows(IllegalStateException.class, () -> cond.awaitFor(() -> false));
            assertThrows(IllegalStateException.class, () -> cond.awaitFor(() -> null));
        });
    }

    @Test
    void testNotify() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waitAndRecord(cond, result, 1);
            Task<Boolean> t2 = waitAndRecord(cond, result, 2);
            Task<Boolean> t3 = waitAndRecord(cond, result, 3);
            sleep(0);
            assertEquals(List.of(), result);

            cond.acquire();
            cond.signal(1);
            cond.release();
            sleep(0);
            assertEquals(List.of(1), result);

            cond.acquire();
            cond.signal(1);
            cond.signal(2048);
            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            for (Task<Boolean> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertTrue(t.result());
            }
        });
    }

    @Test
    void testNotifyAll() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waitAndRecord(cond, result, 1);
            Task<Boolean> t2 = waitAndRecord(cond, result, 2);
            sleep(0);
            assertEquals(List.of(), result);

            cond.acquire();
            cond.signalAll();
            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2), result);
            assertTrue(t1.done() && t1.result());
            assertTrue(t2.done() && t2.result());
        });
    }

    @Test
    void notifyUnacquired() {
        Condition cond = new Condition();
        var e = assertThrows(IllegalStateException.class, cond::signal);
        assertEquals("cannot notify on un-acquired lock", e.getMessage());
    }

    @Test
    void notifyAllUnacquired() {
        assertThrows(IllegalStateException.class, new Condition()::signalAll);
    }

    /** Not in CPython (which ignores it): a negative count is a bad argument. */
    @Test
    void notifyNegative() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            try (Guard _ = cond.hold()) {
                assertThrows(IllegalArgumentException.class, () -> cond.signal(-1));
            }
        });
    }

    @Test
    void repr() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            assertEquals("<Condition [unlocked]>", cond.toString());
            cond.acquire();
            assertEquals("<Condition [locked]>", cond.toString());
            AsyncRunnable waitOnce = () -> {
                try (Guard _ = cond.hold()) {
                    cond.await();
                }
            };
            Task<Void> w1 = createTask(waitOnce);
            Task<Void> w2 = createTask(waitOnce);
            cond.release();
            sleep(0);
            assertEquals("<Condition [unlocked, waiters:2]>", cond.toString());
            cond.acquire();
            assertEquals("<Condition [locked, waiters:2]>", cond.toString());
            cond.signalAll();
            cond.release();
            w1.await();
            w2.await();
            assertEquals("<Condition [unlocked]>", cond.toString());
        });
    }

    @Test
    void contextManager() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            assertFalse(cond.locked());
            try (Guard _ = cond.hold()) {
                assertTrue(cond.locked());
            }
            assertFalse(cond.locked());
        });
    }

    /** test_explicit_lock: a condition over a given lock and that lock see the same state. */
    @Test
    void explicitLock() throws Exception {
        runVirtual(() -> {
            checkSharedLock(new Lock(), null);
            Lock lock = new Lock();
            checkSharedLock(lock, new Condition(lock));
        });
    }

    private static void checkSharedLock(Lock lock, Condition given) {
        Condition cond = given != null ? given : new Condition(lock);
        assertFalse(lock.locked());
        assertFalse(cond.locked());
        try (Guard _ = cond.hold()) {
            assertTrue(lock.locked());
            assertTrue(cond.locked());
        }
        assertFalse(lock.locked());
        assertFalse(cond.locked());
        try (Guard _ = lock.hold()) {
            assertTrue(lock.locked());
            assertTrue(cond.locked());
        }
        assertFalse(lock.locked());
        assertFalse(cond.locked());
    }

    @Test
    void nullLockIsRejected() {
        assertThrows(NullPointerException.class, () -> new Condition(null));
    }

    /**
     * test_ambiguous_loops: a lock bound to one loop is still taken on the fast path in another,
     * but having to wait on it there fails; likewise a condition bound to another loop.
     */
    @Test
    void ambiguousLoops() throws Exception {
        Lock lock = new Lock();
        Condition boundCond = new Condition();
        runVirtual(() -> {
            bindByContending(lock);
            Task<Void> waiter = createTask(() -> {
                try (Guard _ = boundCond.hold()) {
                    boundCond.await();      // binds boundCond to this loop
                }
            });
            sleep(0);
            try (Guard _ = boundCond.hold()) {
                boundCond.signal();
            }
            waiter.await();
        });
        runVirtual(() -> {
            try (Guard _ = lock.hold()) {   // fast path: no loop involved
                Condition cond = new Condition(lock);
                var e = assertThrows(IllegalStateException.class, cond::acquire);
                assertTrue(e.getMessage().endsWith("is bound to a different event loop"), e.getMessage());
            }
            assertTrue(lock.waiters.isEmpty());

            boundCond.acquire();               // its lock is fresh: only the condition is bound
            var e = assertThrows(IllegalStateException.class, boundCond::await);
            assertTrue(e.getMessage().endsWith("is bound to a different event loop"), e.getMessage());
            assertTrue(boundCond.locked());    // the check comes before the lock is let go
            boundCond.release();
        });
    }

    /** Makes {@code lock} wait once, which binds it to the running loop. */
    static void bindByContending(Lock lock) throws Exception {
        lock.acquire();
        Task<Boolean> waiter = createTask(lock::acquire);
        sleep(0);
        lock.release();
        waiter.await();
        lock.release();
    }

    /** test_timeout_in_block: a timeout around wait() raises TimeoutError, and the lock is held again. */
    @Test
    void timeoutInBlock() throws Exception {
        runVirtual(() -> {
            Condition condition = new Condition();
            double start = getRunningLoop().time();
            try (Guard _ = condition.hold()) {
                assertThrows(TimeoutError.class, () -> timeout(0.5, condition::await));
                assertTrue(condition.locked());
            }
            assertEquals(0.5, getRunningLoop().time() - start, 1e-9);
        });
    }

    /** test_cancelled_error_wakeup: cancelled while waiting: the very same CancelledError comes out. */
    @Test
    void cancelledErrorWakeup() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            CancelledError[] raised = {null};
            Task<Void> task = createTask(() -> {
                try (Guard _ = cond.hold()) {
                    raised[0] = assertThrows(CancelledError.class, () -> cond.awaitFor(() -> false));
                    assertTrue(cond.locked());
                    throw raised[0];
                }
            });
            sleep(0);
            task.cancel("foo");
            CancelledError err = assertThrows(CancelledError.class, task::await);
            assertEquals("foo", err.getMessage());
            assertSame(raised[0], err);
        });
    }

    /** test_cancelled_error_re_aquire: cancelled while re-acquiring after a notify: same instance too. */
    @Test
    void cancelledErrorReAquire() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            boolean[] wake = {false};
            CancelledError[] raised = {null};
            Task<Void> task = createTask(() -> {
                try (Guard _ = cond.hold()) {
                    raised[0] = assertThrows(CancelledError.class, () -> cond.awaitFor(() -> wake[0]));
                    assertTrue(cond.locked());
                    throw raised[0];
                }
            });
            sleep(0);
            cond.acquire();
            wake[0] = true;
            cond.signal();
            sleep(0);                 // the task now waits to re-acquire the lock
            task.cancel("foo");
            cond.release();
            CancelledError err = assertThrows(CancelledError.class, task::await);
            assertEquals("foo", err.getMessage());
            assertSame(raised[0], err);
        });
    }

    /**
     * test_cancelled_wakeup: a consumer cancelled right after being notified (before it ran) does
     * not swallow the notification: the other consumer gets it.
     */
    @Test
    void cancelledWakeup() throws Exception {
        runVirtual(() -> cancelledWakeupScenario(false));
    }

    /** test_cancelled_wakeup_relock: the same, cancelled while it re-acquires the lock. */
    @Test
    void cancelledWakeupRelock() throws Exception {
        runVirtual(() -> cancelledWakeupScenario(true));
    }

    private static void cancelledWakeupScenario(boolean letItReachTheLock) throws Exception {
        Condition condition = new Condition();
        int[] state = {0};
        AsyncRunnable consumer = () -> {
            try (Guard _ = condition.hold()) {
                while (true) {
                    condition.awaitFor(() -> state[0] != 0);
                    if (state[0] < 0) return;
                    state[0]--;
                }
            }
        };
        Task<Void> c0 = createTask(consumer);
        Task<Void> c1 = createTask(consumer);
        sleep(0);
        try (Guard _ = condition.hold()) {
            state[0]++;
            condition.signal(1);
            if (letItReachTheLock) sleep(0);
            c0.cancel();
            try {
                timeout(0.01, () -> condition.awaitFor(() -> state[0] == 0));
            } catch (TimeoutError e) {
                // checked just below: the item must have been consumed anyway
            }
            assertEquals(0, state[0]);
            state[0] = -1;
            condition.signalAll();
        }
        c1.await();
        assertTrue(c0.cancelled());
    }
}
