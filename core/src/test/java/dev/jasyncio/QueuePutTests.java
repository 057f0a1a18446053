package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_queues.QueuePutTests, by behaviour. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
class QueuePutTests {

    @Test
    void blockingPut() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1);                         // unbounded: does not wait
            assertEquals(1, q.get());
        });
    }

    @Test
    void blockingPutWait() throws Exception {
        runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            Queue<Integer> q = new Queue<>(1);
            Event started = new Event();
            boolean[] finished = {false};
            double start = loop.time();
            loop.callLater(0.01, q::getNowait);
            Task<Void> queuePut = createTask(() -> {
                started.set();
                q.put(1);
                q.put(2);
                finished[0] = true;
            });
            started.await();
            assertFalse(finished[0]);
            queuePut.await();
            assertTrue(finished[0]);
            assertEquals(0.01, loop.time() - start, 1e-9);
        });
    }

    @Test
    void nonblockingPut() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    /** test_get_cancel_drop_one_pending_reader: the reader woken for item 1 is cancelled: 1 is not dropped. */
    @Test
    void getCancelDropOnePendingReader() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> reader = createTask(q::get);
            sleep(0);
            q.putNowait(1);
            q.putNowait(2);
            reader.cancel();
            assertThrows(CancelledError.class, reader::await);
            Task<Integer> retry = createTask(q::get);
            assertEquals(1, retry.await());   // 2 would mean 1 got dropped
        });
    }

    /** test_get_cancel_drop_many_pending_readers: one woken reader cancelled; the other two get {1, 2}. */
    @Test
    void getCancelDropManyPendingReaders() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> reader1 = createTask(q::get);
            Task<Integer> reader2 = createTask(q::get);
            Task<Integer> reader3 = createTask(q::get);
            sleep(0);
            q.putNowait(1);
            q.putNowait(2);
            reader1.cancel();
            assertThrows(CancelledError.class, reader1::await);
            reader3.await();
            assertEquals(Set.of(1, 2), Set.of(reader2.await(), reader3.await()));
        });
    }

    /** test_put_cancel_drop: a cancelled put() inserts nothing; the retry inserts exactly once. */
    @Test
    void putCancelDrop() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(1);
            Task<Void> writer = createTask(() -> q.put(2));
            sleep(0);
            assertEquals(1, q.getNowait());
            writer.cancel();
            assertThrows(CancelledError.class, writer::await);
            createTask(() -> q.put(2)).await();
            assertEquals(2, q.getNowait());
            assertEquals(0, q.qsize());
        });
    }

    @Test
    void nonblockingPutException() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        assertThrows(QueueFull.class, () -> q.putNowait(2));
        assertEquals(1, q.qsize());
    }

    /**
     * test_float_maxsize checks that the queue is full exactly at its (rounded-up) capacity, for
     * putNowait and put. maxsize is an int here, so the fractional case cannot arise; the boundary is
     * checked with maxsize 2.
     */
    @Test
    void floatMaxsize() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(2);
            q.putNowait(1);
            q.putNowait(2);
            assertTrue(q.full());
            assertThrows(QueueFull.class, () -> q.putNowait(3));

            Queue<Integer> q2 = new Queue<>(2);
            q2.put(1);
            q2.put(2);
            assertTrue(q2.full());
        });
    }

    /** test_put_cancelled (despite its name): a put() into an unbounded queue completes and its item is got. */
    @Test
    void putCancelled() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Boolean> t = createTask(() -> {
                q.put(1);
                return true;
            });
            assertEquals(1, q.get());
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    /** test_put_cancelled_race: blocked putters are served FIFO; cancelling a later one does not disturb them. */
    @Test
    void putCancelledRace() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>(1);
            Task<Void> putA = createTask(() -> q.put("a"));
            Task<Void> putB = createTask(() -> q.put("b"));
            Task<Void> putC = createTask(() -> q.put("X"));
            sleep(0);
            assertTrue(putA.done());
            assertFalse(putB.done());

            putC.cancel();
            sleep(0);
            assertTrue(putC.done());
            assertEquals("a", q.getNowait());
            sleep(0);
            assertEquals("b", q.getNowait());
            putB.await();
            assertTrue(q.empty());
        });
    }

    @Test
    void putWithWaitingGetters() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>();
            Task<String> t = createTask(q::get);
            sleep(0);
            q.put("a");
            assertEquals("a", t.await());
        });
    }

    /** test_why_are_putters_waiting: four putters into a Queue(2) and a getter that drains once: all finish. */
    @Test
    void whyArePuttersWaiting() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(2);
            List<Task<Void>> tasks = new ArrayList<>();
            tasks.add(createTask(() -> {
                sleep(0);
                int num = q.qsize();
                for (int i = 0; i < num; i++) q.getNowait();
            }));
            for (int i = 0; i < 4; i++) {
                int item = i;
                tasks.add(createTask(() -> q.put(item)));
            }
            gather(tasks).await();
            assertEquals(2, q.qsize());
        });
    }

    @Test
    void cancelledPutsNotBeingHeldInSelfPutters() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(1);
            Task<Void> putTask = createTask(() -> q.put(1));
            sleep(0);
            assertEquals(1, q.putters.size());
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
            assertEquals(0, q.putters.size());
        });
    }

    /** test_cancelled_put_silence_value_error_exception: a putter already taken off the line by get, then cancelled, just ends cancelled. */
    @Test
    void cancelledPutSilenceValueErrorException() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(1);
            Task<Void> putTask = createTask(() -> q.put(1));
            sleep(0);
            q.getNowait();                    // removes put_task's future from the putters
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
            assertTrue(q.empty());            // the cancelled put inserted nothing
        });
    }
}
