package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Loops.runVirtual;
import static dev.jasyncio.Asyncio.timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_queues.QueueGetTests, by behaviour. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
class QueueGetTests {

    @Test
    void blockingGet() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            assertEquals(1, q.get());
        });
    }

    /** test_get_with_putters: a get() that makes room wakes the first waiting putter (a real one here). */
    @Test
    void getWithPutters() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.put(1);
            Task<Void> putter = createTask(() -> q.put(2));
            sleep(0);
            assertEquals(1, q.putters.size());
            Future<Void> waiter = q.putters.peekFirst();
            assertEquals(1, q.get());
            assertTrue(waiter.done());
            assertNull(waiter.result());
            assertTrue(q.putters.isEmpty());
            putter.await();
            assertEquals(2, q.getNowait());
        });
    }

    @Test
    void blockingGetWait() throws Exception {
        runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            Queue<Integer> q = new Queue<>();
            Event started = new Event();
            boolean[] finished = {false};
            Task<Integer> queueGet = createTask(() -> {
                started.set();
                int res = q.get();
                finished[0] = true;
                return res;
            });
            started.await();
            assertFalse(finished[0]);
            double start = loop.time();
            loop.callLater(0.01, () -> q.putNowait(1));
            assertEquals(1, queueGet.await());
            assertTrue(finished[0]);
            assertEquals(0.01, loop.time() - start, 1e-9);
        });
    }

    @Test
    void nonblockingGet() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    @Test
    void nonblockingGetException() {
        assertThrows(QueueEmpty.class, new Queue<Integer>()::getNowait);
    }

    /** test_get_cancelled_race: a cancelled getter does not take the next item: t2 gets 'a'. */
    @Test
    void getCancelledRace() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>();
            Task<String> t1 = createTask(q::get);
            Task<String> t2 = createTask(q::get);
            sleep(0);
            t1.cancel();
            sleep(0);
            assertTrue(t1.done());
            q.put("a");
            sleep(0);
            assertEquals("a", t2.await());
        });
    }

    @Test
    void getWithWaitingPutters() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>(1);
            createTask(() -> q.put("a"));
            createTask(() -> q.put("b"));
            assertEquals("a", q.get());
            assertEquals("b", q.get());
        });
    }

    /** test_why_are_getters_waiting: producer and consumer through a Queue(1) both finish. */
    @Test
    void whyAreGettersWaiting() throws Exception {
        runVirtual(() -> {
            int items = 5;
            Queue<Integer> q = new Queue<>(1);
            Task<Void> producer = createTask(() -> {
                for (int i = 0; i < items; i++) q.put(i);
            });
            Task<Void> consumer = createTask(() -> {
                for (int i = 0; i < items; i++) q.get();
            });
            gather(List.of(producer, consumer)).await();
            assertTrue(q.empty());
        });
    }

    /** test_cancelled_getters_not_being_held_in_self_getters: a get() timed out leaves no getter. */
    @Test
    void cancelledGettersNotBeingHeldInSelfGetters() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(5);
            assertThrows(TimeoutError.class, () -> timeout(0.1, q::get));
            assertEquals(0, q.getters.size());
        });
    }
}
