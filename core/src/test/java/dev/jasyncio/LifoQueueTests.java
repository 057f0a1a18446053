package dev.jasyncio;

import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_queues.LifoQueueTests. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
class LifoQueueTests {

    @Test
    void order() throws Exception {
        runVirtual(() -> {
            LifoQueue<Integer> q = new LifoQueue<>();
            for (int i : List.of(1, 3, 2)) q.put(i);
            assertEquals(List.of(2, 3, 1), List.of(q.get(), q.get(), q.get()));
        });
    }
}
