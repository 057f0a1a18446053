package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.gather;

import static dev.jasyncio.Loops.runVirtual;
import static dev.jasyncio.Asyncio.timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_locks.SemaphoreTests, by behaviour (BoundedSemaphore included, as there). */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive fails the test instead of hanging it
class SemaphoreTests {

    @Test
    void initialValueZero() {
        assertTrue(new Semaphore(0).locked());
    }

    @Test
    void repr() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            assertEquals("<Semaphore [unlocked, value:1]>", sem.toString());
            sem.acquire();
            assertEquals("<Semaphore [locked]>", sem.toString());
            Task<Boolean> w1 = createTask(sem::acquire);
            Task<Boolean> w2 = createTask(sem::acquire);
            sleep(0);
            assertEquals("<Semaphore [locked, waiters:2]>", sem.toString());
            sem.release();
            sem.release();
            gather(List.of(w1, w2)).await();
            assertEquals("<BoundedSemaphore [unlocked, value:2]>", new BoundedSemaphore(2).toString());
        });
    }

    /** test_semaphore: a new semaphore has its value and is not locked (it cannot be awaited: not an Awaitable). */
    @Test
    void semaphore() {
        Semaphore sem = new Semaphore(1);
        assertEquals(1, sem.value);
        assertFalse(sem.locked());
    }

    @Test
    void semaphoreValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    }

    /** test_acquire: value accounting; waiters queue once the value is 0; a newcomer (c4) queues behind them. */
    @Test
    void acquire() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(3);
            List<Integer> result = new ArrayList<>();
            assertTrue(sem.acquire());
            assertTrue(sem.acquire());
            assertFalse(sem.locked());

            Task<Boolean> t1 = acquireAndRecord(sem, result, 1);
            Task<Boolean> t2 = acquireAndRecord(sem, result, 2);
            Task<Boolean> t3 = acquireAndRecord(sem, result, 3);
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(sem.locked());
            assertEquals(2, sem.waiters.size());
            assertEquals(0, sem.value);

            Task<Boolean> t4 = acquireAndRecord(sem, result, 4);
            sem.release();
            sem.release();
            assertEquals(0, sem.value);     // both permits went straight to t2 and t3

            sleep(0);
            assertEquals(0, sem.value);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(sem.locked());
            assertEquals(1, sem.waiters.size());
            assertTrue(t1.done() && t1.result());
            assertTrue(t2.done() && t2.result());
            assertTrue(t3.done() && t3.result());
            assertFalse(t4.done());

            sem.release();
            gather(List.of(t2, t3, t4)).await();
            assertEquals(List.of(1, 2, 3, 4), result);
        });
    }

    private static Task<Boolean> acquireAndRecord(Semaphore sem, List<Integer> result, int tag) {
        return createTask(() -> {
            sem.acquire();
            result.add(tag);
            return true;
        });
    }

    @Test
    void acquireCancel() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            sem.acquire();
            Task<Boolean> acquire = createTask(sem::acquire);
            getRunningLoop().callSoon(acquire::cancel);
            assertThrows(CancelledError.class, acquire::await);
            assertTrue(sem.waiters.isEmpty());
            assertEquals(0, sem.value);
        });
    }

    /** test_acquire_cancel_before_awoken: two waiters cancelled before a release: the permit goes to t3 only. */
    @Test
    void acquireCancelBeforeAwoken() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Boolean> t1 = createTask(sem::acquire);
            Task<Boolean> t2 = createTask(sem::acquire);
            Task<Boolean> t3 = createTask(sem::acquire);
            Task<Boolean> t4 = createTask(sem::acquire);
            sleep(0);

            t1.cancel();
            t2.cancel();
            sem.release();
            sleep(0);
            sleep(0);
            assertTrue(t3.done());
            assertFalse(t4.done());
            assertTrue(t1.cancelled() && t2.cancelled());

            t3.cancel();                   // too late: t3 has its permit and is done
            t4.cancel();
            sleep(0);
            assertTrue(t4.cancelled());
            assertEquals(0, sem.value);
            assertTrue(sem.waiters.isEmpty());
        });
    }

    /** test_acquire_hang: a cancelled first waiter does not stop the release from reaching the second. */
    @Test
    void acquireHang() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Boolean> t1 = createTask(sem::acquire);
            Task<Boolean> t2 = createTask(sem::acquire);
            sleep(0);
            t1.cancel();
            sem.release();
            sleep(0);
            sleep(0);
            assertTrue(sem.locked());
            assertTrue(t2.done());
        });
    }

    /**
     * test_acquire_no_hang: c2 is cancelled after c1 released the permit to it, before c2 ran:
     * the permit comes back, so the semaphore can still be acquired.
     */
    @Test
    void acquireNoHang() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            Task<?>[] t2 = {null};
            Task<Void> t1 = createTask(() -> {
                try (Guard _ = sem.hold()) {
                    sleep(0);
                }
                t2[0].cancel();
            });
            t2[0] = createTask(() -> {
                try (Guard _ = sem.hold()) {
                    throw new AssertionError("c2 must not get the semaphore");
                }
            });
            List<Object> results = gather(true, List.of(t1, t2[0])).await();
            assertNull(results.get(0));
            assertInstanceOf(CancelledError.class, results.get(1));
            assertTrue(timeout(1.0, sem::acquire));
        });
    }

    /** test_release_not_acquired: a BoundedSemaphore released more than acquired is a bad call. */
    @Test
    void releaseNotAcquired() {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        var e = assertThrows(IllegalArgumentException.class, sem::release);
        assertEquals("BoundedSemaphore released too many times", e.getMessage());
        assertEquals(1, sem.value);
    }

    @Test
    void releaseNoWaiters() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            sem.acquire();
            assertTrue(sem.locked());
            sem.release();
            assertFalse(sem.locked());
        });
    }

    /** A plain Semaphore may be released beyond its initial value (only the bounded one refuses). */
    @Test
    void unboundedReleaseAddsPermits() {
        Semaphore sem = new Semaphore(0);
        sem.release();
        sem.release();
        assertEquals(2, sem.value);
    }

    /** test_acquire_fifo_order: three tasks acquire, sleep, release, twice: they keep their turns. */
    @Test
    void acquireFifoOrder() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            List<String> result = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (String tag : List.of("c1", "c2", "c3")) {
                tasks.add(createTask(() -> {
                    sem.acquire();
                    result.add(tag + "_1");
                    sleep(0.01);
                    sem.release();
                    sem.acquire();
                    result.add(tag + "_2");
                    sleep(0.01);
                    sem.release();
                }));
            }
            gather(tasks).await();
            assertEquals(List.of("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"), result);
        });
    }

    /** test_acquire_fifo_order_2: c2 releases and re-acquires: it queues behind c3. */
    @Test
    void acquireFifoOrder2() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = acquireAndRecord(sem, result, 1);
            Task<Boolean> t2 = createTask(() -> {
                sem.acquire();
                result.add(2);
                sem.release();
                sem.acquire();
                result.add(4);
                return true;
            });
            Task<Boolean> t3 = acquireAndRecord(sem, result, 3);
            sleep(0);
            sem.release();
            sem.release();
            gather(List.of(t1, t2, t3)).await();
            assertEquals(List.of(1, 2, 3, 4), result);
        });
    }

    /** test_acquire_fifo_order_3: a cancelled waiter is skipped: [2, 3]. */
    @Test
    void acquireFifoOrder3() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = acquireAndRecord(sem, result, 1);
            Task<Boolean> t2 = acquireAndRecord(sem, result, 2);
            Task<Boolean> t3 = acquireAndRecord(sem, result, 3);
            sleep(0);
            t1.cancel();
            sleep(0);
            sem.release();
            sem.release();
            gather(true, List.of(t1, t2, t3)).await();
            assertEquals(List.of(2, 3), result);
        });
    }

    /**
     * test_acquire_fifo_order_4: permits released while the first waiter had not run yet are
     * passed on, in order, by that waiter when it runs; a task it creates then runs after c3.
     */
    @Test
    void acquireFifoOrder4() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            List<Integer> result = new ArrayList<>();
            List<Task<?>> t4 = new ArrayList<>();
            Task<Boolean> t1 = createTask(() -> {
                assertEquals(0, sem.value);
                sem.acquire();
                assertEquals(0, sem.value);   // c2 and c3 have been woken with the other permits
                t4.add(createTask(() -> {
                    result.add(4);
                    return true;
                }));
                result.add(1);
                return true;
            });
            Task<Boolean> t2 = createTask(() -> {
                sem.release();
                sem.release();
                sem.release();
                assertEquals(2, sem.value);
                assertTrue(sem.locked());     // c1 was handed a permit but has not run
                sem.acquire();
                result.add(2);
                return true;
            });
            Task<Boolean> t3 = createTask(() -> {
                sem.acquire();
                assertTrue(sem.locked());
                result.add(3);
                return true;
            });
            sleep(0);
            assertEquals(2, sem.value);
            assertEquals(3, sem.waiters.size());
            sleep(0);
            gather(List.of(t1, t2, t3, t4.getFirst())).await();
            assertEquals(List.of(1, 2, 3, 4), result);
        });
    }

    /** Like Lock, hold() gives a Guard; a BoundedSemaphore's guard releases exactly once even if closed twice. */
    @Test
    void holdReleasesOnce() throws Exception {
        runVirtual(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            Guard held = sem.hold();
            assertEquals(1, sem.value);
            held.close();
            held.close();
            assertEquals(2, sem.value);
        });
    }
}
