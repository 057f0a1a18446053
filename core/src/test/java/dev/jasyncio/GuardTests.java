package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code try (var _ = x.hold())}, the Java form of {@code async with x:}, under exceptions and cancellation. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive fails the test instead of hanging it
class GuardTests {

    @Test
    void releasesWhenTheBodyThrows() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            Semaphore sem = new Semaphore(1);
            IOException boom = new IOException("boom");
            IOException thrown = assertThrows(IOException.class, () -> {
                try (Guard _ = lock.hold(); Guard _ = sem.hold()) {
                    assertTrue(lock.locked() && sem.locked());
                    throw boom;
                }
            });
            assertSame(boom, thrown);
            assertFalse(lock.locked());
            assertFalse(sem.locked());
        });
    }

    /** A task cancelled inside the block releases on its way out, and the next waiter gets the lock. */
    @Test
    void releasesWhenTheBodyIsCancelled() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            List<String> trace = new ArrayList<>();
            Task<Void> holder = createTask(() -> {
                try (Guard _ = lock.hold()) {
                    trace.add("holder in");
                    sleep(3600);
                }
            });
            Task<Void> next = createTask(() -> {
                try (Guard _ = lock.hold()) {
                    trace.add("next in");
                }
            });
            sleep(0);
            holder.cancel();
            assertThrows(CancelledError.class, holder::await);
            next.await();
            assertEquals(List.of("holder in", "next in"), trace);
            assertFalse(lock.locked());
        });
    }

    /** Cancelled while waiting in hold(): no guard, nothing released, and the lock is not lost. */
    @Test
    void cancelledWhileWaitingForHoldReleasesNothing() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            Semaphore sem = new Semaphore(1);
            lock.acquire();
            sem.acquire();
            boolean[] entered = {false};
            Task<Void> waiter = createTask(() -> {
                try (Guard _ = lock.hold(); Guard _ = sem.hold()) {
                    entered[0] = true;
                }
            });
            sleep(0);
            lock.release();                  // hands the lock to waiter, which then waits on sem
            sleep(0);
            assertTrue(lock.locked());
            waiter.cancel();
            assertThrows(CancelledError.class, waiter::await);
            assertFalse(entered[0]);
            assertFalse(lock.locked());      // released by the outer guard only
            assertTrue(sem.locked());        // still ours: the inner hold() never acquired
            assertTrue(sem.waiters.isEmpty());
            sem.release();
            assertFalse(sem.locked());
        });
    }

    /** Closing a guard again does not release a hold that another task has taken since. */
    @Test
    void closingTwiceReleasesOnce() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            Guard held = lock.hold();
            held.close();
            Task<Void> other = createTask(() -> {
                lock.acquire();
            });
            other.await();
            held.close();
            assertTrue(lock.locked());
        });
    }

    /** A lock released by hand inside the block makes the guard's release fail loudly, as asyncio's __aexit__ does. */
    @Test
    void releasingByHandInsideTheBlockIsReported() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            var e = assertThrows(IllegalStateException.class, () -> {
                try (Guard _ = lock.hold()) {
                    lock.release();
                }
            });
            assertEquals("Lock is not acquired.", e.getMessage());
        });
    }
}
