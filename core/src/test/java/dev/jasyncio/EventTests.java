package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_locks.EventTests, by behaviour. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken primitive fails the test instead of hanging it
class EventTests {

    @Test
    void repr() throws Exception {
        runVirtual(() -> {
            Event ev = new Event();
            assertEquals("<Event [unset]>", ev.toString());
            Task<Boolean> waiter = createTask(ev);
            sleep(0);
            assertEquals("<Event [unset, waiters:1]>", ev.toString());
            ev.set();
            assertEquals("<Event [set, waiters:1]>", ev.toString());
            waiter.await();
            assertEquals("<Event [set]>", ev.toString());
        });
    }

    /**
     * test_wait (named testWait: wait() is final in Object): set() wakes every waiter. t3 was created (its first step queued) before set(), so
     * it runs first and finds the flag set; the woken waiters follow in FIFO order: [3, 1, 2].
     */
    @Test
    void testWait() throws Exception {
        runVirtual(() -> {
            Event ev = new Event();
            assertFalse(ev.isSet());
            List<Integer> result = new ArrayList<>();
            Task<Void> t1 = createTask(() -> waitAndRecord(ev, result, 1));
            Task<Void> t2 = createTask(() -> waitAndRecord(ev, result, 2));
            sleep(0);
            assertEquals(List.of(), result);

            Task<Void> t3 = createTask(() -> waitAndRecord(ev, result, 3));
            ev.set();
            sleep(0);
            assertEquals(List.of(3, 1, 2), result);
            for (Task<Void> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertNull(t.result());
            }
        });
    }

    private static void waitAndRecord(Event ev, List<Integer> result, int tag) {
        if (ev.await()) result.add(tag);
    }

    /** test_wait_on_set: returns true at once, without yielding. */
    @Test
    void waitOnSet() throws Exception {
        runVirtual(() -> {
            Event ev = new Event();
            ev.set();
            List<String> order = new ArrayList<>();
            getRunningLoop().callSoon(() -> order.add("callback"));
            assertTrue(ev.await());
            order.add("after await");
            sleep(0);
            assertEquals(List.of("after await", "callback"), order);
        });
    }

    @Test
    void waitCancel() throws Exception {
        runVirtual(() -> {
            Event ev = new Event();
            Task<Boolean> wait = createTask(ev);
            getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, wait::await);
            assertTrue(ev.waiters.isEmpty());
        });
    }

    @Test
    void clear() throws Exception {
        runVirtual(() -> {
            Event ev = new Event();
            assertFalse(ev.isSet());
            ev.set();
            assertTrue(ev.isSet());
            ev.clear();
            assertFalse(ev.isSet());
        });
    }

    /** test_clear_with_waiters: set() then clear() still releases the task already waiting. */
    @Test
    void clearWithWaiters() throws Exception {
        runVirtual(() -> {
            Event ev = new Event();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = createTask(() -> {
                if (ev.await()) result.add(1);
                return true;
            });
            sleep(0);
            assertEquals(List.of(), result);

            ev.set();
            ev.clear();
            assertFalse(ev.isSet());
            ev.set();
            ev.set();
            assertEquals(1, ev.waiters.size());

            sleep(0);
            assertEquals(List.of(1), result);
            assertEquals(0, ev.waiters.size());
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }
}
