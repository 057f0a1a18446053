package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_locks.LockTests, by behaviour. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive fails the test instead of hanging it
class LockTests {

    @Test
    void repr() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            assertEquals("<Lock [unlocked]>", lock.toString());
            lock.acquire();
            assertEquals("<Lock [locked]>", lock.toString());
            Task<Boolean> waiter = createTask(lock::acquire);
            sleep(0);
            assertEquals("<Lock [locked, waiters:1]>", lock.toString());
            lock.release();
            assertTrue(waiter.await());
        });
    }

    /** test_lock and test_lock_by_with_statement check that a lock cannot be awaited: here it is not an Awaitable at all. */
    @Test
    void lock() throws Exception {
        runVirtual(() -> assertFalse(new Lock().locked()));
    }

    /** test_acquire: waiters acquire in FIFO order, and a later waiter queues behind earlier ones. */
    @Test
    void acquire() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            List<Integer> result = new ArrayList<>();
            assertTrue(lock.acquire());

            Task<Boolean> t1 = createTask(() -> acquireAndRecord(lock, result, 1));
            Task<Boolean> t2 = createTask(() -> acquireAndRecord(lock, result, 2));
            sleep(0);
            assertEquals(List.of(), result);

            lock.release();
            sleep(0);
            assertEquals(List.of(1), result);
            sleep(0);
            assertEquals(List.of(1), result);

            Task<Boolean> t3 = createTask(() -> acquireAndRecord(lock, result, 3));
            lock.release();
            sleep(0);
            assertEquals(List.of(1, 2), result);

            lock.release();
            sleep(0);
            assertEquals(List.of(1, 2, 3), result);

            for (Task<Boolean> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertTrue(t.result());
            }
        });
    }

    private static boolean acquireAndRecord(Lock lock, List<Integer> result, int tag) {
        if (lock.acquire()) result.add(tag);
        return true;
    }

    /** test_acquire_cancel: a cancelled acquire() leaves no waiter behind. */
    @Test
    void acquireCancel() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            assertTrue(lock.acquire());
            Task<Boolean> task = createTask(lock::acquire);
            getRunningLoop().callSoon(task::cancel);
            assertThrows(CancelledError.class, task::await);
            assertTrue(lock.waiters.isEmpty());
        });
    }

    /**
     * test_cancel_race: A holds the lock, B and C wait; B is cancelled while A releases. The lock
     * must go to C, not be lost on B's cancelled waiter.
     */
    @Test
    void cancelRace() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            Future<Void> fa = getRunningLoop().createFuture();
            Task<Void> ta = createTask(() -> lockit(lock, fa));
            sleep(0);
            assertTrue(lock.locked());
            Task<Void> tb = createTask(() -> lockit(lock, null));
            sleep(0);
            assertEquals(1, lock.waiters.size());
            Task<Void> tc = createTask(() -> lockit(lock, null));
            sleep(0);
            assertEquals(2, lock.waiters.size());

            fa.setResult(null);
            tb.cancel();
            assertTrue(lock.waiters.peekFirst().cancelled());
            sleep(0);
            assertFalse(lock.locked());
            assertTrue(ta.done());
            assertTrue(tb.cancelled());
            tc.await();
        });
    }

    private static void lockit(Lock lock, Future<?> blocker) throws Exception {
        lock.acquire();
        try {
            if (blocker != null) blocker.await();
        } finally {
            lock.release();
        }
    }

    /** test_cancel_release_race (bpo-32734): cancel the first waiter and release in one callback: exactly one acquisition. */
    @Test
    void cancelReleaseRace() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            int[] lockCount = {0};
            int[] callCount = {0};
            AsyncRunnable lockit = () -> {
                callCount[0]++;
                lock.acquire();
                lockCount[0]++;
            };
            lock.acquire();
            Task<Void> t1 = createTask(lockit);
            Task<Void> t2 = createTask(lockit);
            Task<Void> t3 = createTask(lockit);
            sleep(0);

            getRunningLoop().callSoon(() -> {
                t1.cancel();
                lock.release();
            });
            assertThrows(CancelledError.class, t1::await);

            assertEquals(1, lockCount[0]);
            assertEquals(3, callCount[0]);
            assertTrue(t1.cancelled() && t2.done());

            t3.cancel();
            sleep(0);
            assertTrue(t3.cancelled());
        });
    }

    /** test_finished_waiter_cancelled: the first waiter is woken and then cancelled: the lock still reaches the next one. */
    @Test
    void finishedWaiterCancelled() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            lock.acquire();
            assertTrue(lock.locked());
            Task<Boolean> tb = createTask(lock::acquire);
            sleep(0);
            assertEquals(1, lock.waiters.size());

            Task<Boolean> tc = createTask(lock::acquire);
            tb.cancel();
            lock.release();
            sleep(0);

            assertTrue(lock.locked());
            assertTrue(tb.cancelled());
            assertTrue(tc.await());
        });
    }

    @Test
    void releaseNotAcquired() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            var e = assertThrows(IllegalStateException.class, lock::release);
            assertEquals("Lock is not acquired.", e.getMessage());
        });
    }

    @Test
    void releaseNoWaiters() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            lock.acquire();
            assertTrue(lock.locked());
            lock.release();
            assertFalse(lock.locked());
        });
    }

    /** test_context_manager: {@code async with lock} is {@code try (var g = lock.hold())}. */
    @Test
    void contextManager() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            assertFalse(lock.locked());
            try (Guard _ = lock.hold()) {
                assertTrue(lock.locked());
            }
            assertFalse(lock.locked());
        });
    }

    /** A newcomer does not barge past a queued waiter even though the lock is free when it arrives. */
    @Test
    void noBargingWhileWokenWaiterHasNotRun() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            List<String> order = new ArrayList<>();
            lock.acquire();
            Task<Void> first = createTask(() -> {
                lock.acquire();
                order.add("first");
                lock.release();
            });
            sleep(0);
            Task<Void> late = createTask(() -> {
                lock.acquire();
                order.add("late");
                lock.release();
            });
            lock.release();                 // first is woken, but late's first step runs before it
            first.await();
            late.await();
            assertEquals(List.of("first", "late"), order);
        });
    }

    /** Waiting needs a task: a contended acquire() from a plain callback fails with a clear error. */
    @Test
    void contendedAcquireOutsideATaskFails() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Future<Throwable> seen = getRunningLoop().createFuture();
            getRunningLoop().callSoon(() -> {
                try {
                    lock.acquire();
                    seen.setResult(null);
                } catch (IllegalStateException e) {
                    seen.setResult(e);
                }
            });
            Throwable e = seen.await();
            assertTrue(e.getMessage().contains("Lock.acquire() must be called from a task"), e.getMessage());
            assertTrue(lock.waiters.isEmpty());
        });
    }
}
