package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_queues._QueueJoinTestMixin, run for each queue class by its subclasses. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
abstract class QueueJoinTestMixin {

    abstract <T> Queue<T> newQueue();

    @Test
    void taskDoneUnderflow() {
        Queue<Integer> q = newQueue();
        var e = assertThrows(IllegalArgumentException.class, q::taskDone);
        assertEquals("taskDone() called too many times", e.getMessage());
    }

    /** test_task_done: two workers take and mark 100 items; join() returns once all are processed. */
    @Test
    void taskDone() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            for (int i = 0; i < 100; i++) q.putNowait(i);
            int[] accumulator = {0};
            boolean[] running = {true};
            List<Task<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(createTask(() -> {
                    while (running[0]) {
                        accumulator[0] += q.get();
                        q.taskDone();
                    }
                }));
            }
            q.join();
            assertEquals(4950, accumulator[0]);
            running[0] = false;
            for (int w = 0; w < workers.size(); w++) q.putNowait(0);
            gather(workers).await();
        });
    }

    /** test_join_empty_queue: join() on a queue with nothing unfinished returns at once, twice. */
    @Test
    void joinEmptyQueue() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            q.join();
            q.join();
        });
    }

    @Test
    void format() {
        Queue<Integer> q = newQueue();
        assertEquals("maxsize=0", q.format());
        q.unfinishedTasks = 2;
        assertEquals("maxsize=0 tasks=2", q.format());
    }
}
