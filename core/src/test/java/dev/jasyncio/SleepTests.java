package dev.jasyncio;

import static dev.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Port of CPython's test_tasks.py SleepTests. */
class SleepTests {

    /** sleep(0) yields exactly one iteration: a callback scheduled before it has run when it returns. */
    @Test
    void sleepZero() throws Exception {
        int[] result = {0};
        EventLoop loop = new EventLoop();
        try {
            loop.runUntilComplete(() -> {
                loop.callSoon(() -> result[0] += 1);
                assertEquals(0, result[0]);
                int num = sleep(0, 10);
                assertEquals(1, result[0]);
                result[0] += num;
                return null;
            });
        } finally {
            loop.close();
        }
        assertEquals(11, result[0]);
    }

    @Test
    void sleepNegativeIsOneIteration() throws Exception {
        java.util.List<String> trace = new java.util.ArrayList<>();
        Loops.runVirtual(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.callSoon(() -> loop.callSoon(() -> trace.add("second iteration")));
            sleep(-5);
            trace.add("after sleep");
            sleep(0);
            return null;
        });
        assertEquals(java.util.List.of("after sleep", "second iteration"), trace);
    }

    @Test
    void sleepDuration() throws Exception {
        double t = Loops.runVirtual(() -> {
            sleep(java.time.Duration.ofMillis(1500));
            return Asyncio.getRunningLoop().time();
        });
        assertEquals(1.5, t, 1e-9);
    }
}
