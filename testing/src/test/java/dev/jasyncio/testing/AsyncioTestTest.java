package dev.jasyncio.testing;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.currentTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import dev.jasyncio.EventLoop;
import dev.jasyncio.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AsyncioTestTest {
    static final List<Task<?>> leftovers = new ArrayList<>();
    static final List<EventLoop> loops = new ArrayList<>();

    @AsyncioTest
    void runsAsATaskOnTheVirtualClock() {
        assertNotNull(currentTask(), "the test body is the loop's main task");
        long start = System.nanoTime();
        sleep(3600);
        assertEquals(3600.0, getRunningLoop().time());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @AsyncioTest(realClock = true)
    void realClockOnRequest() {
        long start = System.nanoTime();
        double t0 = getRunningLoop().time();
        sleep(0.05);
        assertTrue(getRunningLoop().time() - t0 >= 0.049);
        assertTrue(System.nanoTime() - start >= 40_000_000L, "real time passed");
    }

    @AsyncioTest
    void receivesTheLoop(EventLoop loop) {
        assertSame(getRunningLoop(), loop);
        loops.add(loop);
    }

    @AsyncioTest(debug = true)
    void debugOnRequest(EventLoop loop) {
        assertTrue(loop.getDebug());
    }

    @AsyncioTest
    void leftoverTasksAreCancelled() {
        leftovers.add(createTask(() -> sleep(10)));
        sleep(0);
    }

    @Test
    void plainTestsAreUntouched() {
        assertEquals(null, currentTask());
    }

    @AfterAll
    static void afterwards() {
        for (Task<?> t : leftovers) assertTrue(t.cancelled(), "cancelled at the end of its test");
        for (EventLoop l : loops) assertTrue(l.isClosed(), "each test's loop is closed");
    }
}
