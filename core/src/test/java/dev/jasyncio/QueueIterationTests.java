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
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Beyond asyncio: consuming a queue with a for-each loop inside a task. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
class QueueIterationTests {

    /** The loop waits for each item as it comes, and ends once the queue is shut down and drained. */
    @Test
    void forEachWaitsForItemsAndEndsAfterShutdownAndDrain() throws Exception {
        runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            Queue<Integer> q = new Queue<>(2);
            List<String> trace = new ArrayList<>();
            Task<Void> consumer = createTask(() -> {
                for (int item : q) trace.add(item + "@" + loop.time());
                trace.add("end@" + loop.time());
            });
            for (int i = 1; i <= 3; i++) {
                sleep(1);
                q.put(i);
            }
            q.put(4);
            q.put(5);
            q.shutdown();              // 4 and 5 may still be queued: they are delivered first
            consumer.await();
            assertEquals(List.of("1@1.0", "2@2.0", "3@3.0", "4@3.0", "5@3.0", "end@3.0"), trace);
        });
    }

    /** After shutdown(true) the items left are discarded, so the loop ends without them. */
    @Test
    void forEachEndsAtOnceOnImmediateShutdown() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            List<Integer> seen = new ArrayList<>();
            q.putNowait(1);
            q.putNowait(2);
            Task<Void> consumer = createTask(() -> {
                for (int item : q) {
                    seen.add(item);
                    q.shutdown(true);
                }
            });
            consumer.await();
            assertEquals(List.of(1), seen);
        });
    }

    /** The iterator does not call taskDone(): join() waits until the consumer does. */
    @Test
    void iteratorLeavesTaskDoneToTheConsumer() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>();
            q.putNowait("a");
            q.putNowait("b");
            List<String> trace = new ArrayList<>();
            Task<Void> joiner = createTask(() -> {
                q.join();
                trace.add("joined");
            });
            Task<Void> consumer = createTask(() -> {
                for (String item : q) {
                    trace.add("got " + item);
                    sleep(1);
                    trace.add("done " + item);
                    q.taskDone();
                }
            });
            sleep(0.5);
            assertEquals(List.of("got a"), trace);
            sleep(2);
            assertEquals(List.of("got a", "done a", "got b", "done b", "joined"), trace);
            q.shutdown();
            gather(List.of(consumer, joiner)).await();
            assertThrows(IllegalArgumentException.class, q::taskDone);
        });
    }

    /** hasNext() takes the item; asking again does not take another, and next() hands over that one. */
    @Test
    void hasNextIsIdempotent() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            q.putNowait(2);
            Iterator<Integer> it = q.iterator();
            assertTrue(it.hasNext());
            assertTrue(it.hasNext());
            assertEquals(1, q.qsize());
            assertEquals(1, it.next());
            assertEquals(2, it.next());   // next() without hasNext() waits for the item itself
            q.shutdown();
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        });
    }

    /** A consumer cancelled while its loop waits stops with CancelledError, and the item put at that moment goes to another consumer. */
    @Test
    void cancelWhileWaitingLosesNoItem() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            List<Integer> first = new ArrayList<>();
            List<Integer> second = new ArrayList<>();
            Task<Void> c1 = createTask(() -> {
                for (int item : q) first.add(item);
            });
            Task<Void> c2 = createTask(() -> {
                for (int item : q) second.add(item);
            });
            sleep(0);
            q.putNowait(7);                // wakes c1 ...
            c1.cancel();                   // ... which is cancelled before it runs
            assertThrows(CancelledError.class, c1::await);
            q.shutdown();
            c2.await();
            assertEquals(List.of(), first);
            assertEquals(List.of(7), second);
        });
    }

    /** Several for-each consumers share the items: each is delivered exactly once, in order. */
    @Test
    void competingConsumersGetEachItemOnce() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(3);
            List<Integer> all = new ArrayList<>();
            List<Task<Integer>> consumers = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                consumers.add(createTask(() -> {
                    int count = 0;
                    for (int item : q) {
                        all.add(item);
                        count++;
                        sleep(0);
                    }
                    return count;
                }));
            }
            for (int i = 0; i < 30; i++) q.put(i);
            q.shutdown();
            int total = 0;
            for (Object n : gather(consumers).await()) total += (Integer) n;
            assertEquals(30, total);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) expected.add(i);
            assertEquals(expected, all);
        });
    }
}
