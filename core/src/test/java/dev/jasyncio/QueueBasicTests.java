package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
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

/**
 * CPython's test_queues.QueueBasicTests, by behaviour. test_generic_alias has no counterpart
 * (Java generics), and test_str is test_repr: Java has one toString().
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
class QueueBasicTests {

    @Test
    void repr() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            assertEquals("<Queue maxsize=0>", q.toString());

            Task<Integer> getter = createTask(q::get);
            sleep(0);
            assertEquals("<Queue maxsize=0 _getters[1]>", q.toString());
            q.putNowait(0);
            assertEquals(0, getter.await());

            Queue<Integer> bounded = new Queue<>(1);
            bounded.putNowait(1);
            Task<Void> putter = createTask(() -> bounded.put(2));
            sleep(0);
            assertEquals("<Queue maxsize=1 _queue=[1] _putters[1] tasks=1>", bounded.toString());
            bounded.getNowait();
            putter.await();

            Queue<Integer> one = new Queue<>();
            one.putNowait(1);
            assertTrue(one.toString().contains("_queue=[1]"));
            assertEquals("<LifoQueue maxsize=3>", new LifoQueue<Integer>(3).toString());
        });
    }

    @Test
    void empty() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            assertTrue(q.empty());
            q.put(1);
            assertFalse(q.empty());
            assertEquals(1, q.get());
            assertTrue(q.empty());
        });
    }

    @Test
    void full() throws Exception {
        runVirtual(() -> {
            assertFalse(new Queue<Integer>().full());
            Queue<Integer> q = new Queue<>(1);
            q.put(1);
            assertTrue(q.full());
        });
    }

    @Test
    void order() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            for (int i : List.of(1, 3, 2)) q.put(i);
            assertEquals(List.of(1, 3, 2), List.of(q.get(), q.get(), q.get()));
        });
    }

    /** test_maxsize: the putter blocks after two items and resumes after one get(). */
    @Test
    void maxsize() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(2);
            assertEquals(2, q.maxsize());
            List<Integer> haveBeenPut = new ArrayList<>();
            Task<Boolean> t = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                    haveBeenPut.add(i);
                }
                return true;
            });
            sleep(0);
            sleep(0);
            assertEquals(List.of(0, 1), haveBeenPut);
            assertEquals(0, q.get());
            sleep(0);
            assertEquals(List.of(0, 1, 2), haveBeenPut);
            assertEquals(1, q.get());
            assertEquals(2, q.get());
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    /** Not in CPython (which treats it as unbounded): a negative maxsize is a bad argument. */
    @Test
    void negativeMaxsizeIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Queue<Integer>(-1));
        assertTrue(e.getMessage().contains("maxsize"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LifoQueue<Integer>(-1));
        assertThrows(IllegalArgumentException.class, () -> new PriorityQueue<Integer>(-1));
    }

    /** Not in CPython: null items are refused, as by java.util.concurrent queues, and nothing is counted. */
    @Test
    void nullItemsAreRejected() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>();
            assertThrows(NullPointerException.class, () -> q.putNowait(null));
            assertThrows(NullPointerException.class, () -> q.put(null));
            assertEquals(0, q.qsize());
            assertEquals("maxsize=0", q.format());
        });
    }
}
