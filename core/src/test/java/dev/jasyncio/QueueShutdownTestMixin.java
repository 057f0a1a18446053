package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_queues._QueueShutdownTestMixin, run for each queue class by its subclasses. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
abstract class QueueShutdownTestMixin {

    abstract <T> Queue<T> newQueue(int maxsize);

    /** After shutdown, every put and get, waiting or not, raises QueueShutDown. */
    private static void assertPutsAndGetsShutDown(Queue<String> q) {
        assertThrows(QueueShutDown.class, () -> q.put("data"));
        assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
        assertThrows(QueueShutDown.class, q::get);
        assertThrows(QueueShutDown.class, q::getNowait);
    }

    @Test
    void format() {
        Queue<Integer> q = newQueue(0);
        q.shutdown();
        assertEquals("maxsize=0 shutdown", q.format());
    }

    /** test_shutdown_empty: a pending get() raises QueueShutDown; join() returns; everything after fails. */
    @Test
    void shutdownEmpty() throws Exception {
        runVirtual(() -> {
            Queue<String> q = newQueue(0);
            Task<String> getTask = createTask(q::get);
            sleep(0);
            q.shutdown(false);
            assertEquals(0, q.qsize());
            q.join();
            sleep(0);
            assertTrue(getTask.done());
            assertThrows(QueueShutDown.class, getTask::await);
            assertPutsAndGetsShutDown(q);
        });
    }

    /** test_shutdown_nonempty: a blocked put() fails; the item left is still got; join() waits for its taskDone(). */
    @Test
    void shutdownNonempty() throws Exception {
        runVirtual(() -> {
            Queue<String> q = newQueue(1);
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            Task<Void> putTask = createTask(() -> q.put("data2"));
            sleep(0);
            assertFalse(putTask.done());

            q.shutdown(false);
            assertEquals(1, q.qsize());
            sleep(0);
            assertTrue(putTask.done());
            assertThrows(QueueShutDown.class, putTask::await);

            assertEquals("data", q.get());
            sleep(0);
            assertFalse(joinTask.done());
            assertPutsAndGetsShutDown(q);

            q.taskDone();
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();
            assertThrows(IllegalArgumentException.class, q::taskDone);
        });
    }

    /** test_shutdown_immediate: the items are discarded and counted done, which releases join(). */
    @Test
    void shutdownImmediate() throws Exception {
        runVirtual(() -> {
            Queue<String> q = newQueue(0);
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            q.shutdown(true);
            assertEquals(0, q.qsize());
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();
            assertPutsAndGetsShutDown(q);
            assertThrows(IllegalArgumentException.class, q::taskDone);
        });
    }

    /** test_shutdown_immediate_with_unfinished: an item already got still needs its taskDone() before join() returns. */
    @Test
    void shutdownImmediateWithUnfinished() throws Exception {
        runVirtual(() -> {
            Queue<String> q = newQueue(0);
            q.putNowait("data");
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            assertEquals("data", q.get());
            q.shutdown(true);
            assertEquals(0, q.qsize());
            sleep(0);
            assertFalse(joinTask.done());
            assertPutsAndGetsShutDown(q);

            q.taskDone();
            assertThrows(IllegalArgumentException.class, q::taskDone);
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();
        });
    }
}
