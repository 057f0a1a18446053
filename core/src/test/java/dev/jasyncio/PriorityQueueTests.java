package dev.jasyncio;

import static dev.jasyncio.Loops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CPython's test_queues.PriorityQueueTests, plus the comparator forms Java needs for tuple-like items. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken queue fails the test instead of hanging it
class PriorityQueueTests {

    @Test
    void order() throws Exception {
        runVirtual(() -> {
            PriorityQueue<Integer> q = new PriorityQueue<>();
            for (int i : List.of(1, 3, 2)) q.put(i);
            assertEquals(List.of(1, 2, 3), List.of(q.get(), q.get(), q.get()));
        });
    }

    record Job(int priority, String name) {}

    /** asyncio's (priority, data) tuples: a record and a comparator; the bound still applies. */
    @Test
    void orderByComparator() throws Exception {
        runVirtual(() -> {
            PriorityQueue<Job> q = new PriorityQueue<>(3, Comparator.comparingInt(Job::priority));
            q.put(new Job(5, "low"));
            q.put(new Job(1, "urgent"));
            q.put(new Job(3, "normal"));
            assertTrue(q.full());
            assertThrows(QueueFull.class, () -> q.putNowait(new Job(0, "late")));
            assertEquals(List.of("urgent", "normal", "low"), List.of(q.get().name(), q.get().name(), q.get().name()));
        });
    }

    /** Natural order needs Comparable items: anything else is refused at the put, and not counted. */
    @Test
    void naturalOrderRefusesNonComparable() {
        PriorityQueue<Object> q = new PriorityQueue<>();
        assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
        assertEquals(0, q.qsize());
        assertEquals("maxsize=0", q.format());
    }
}
