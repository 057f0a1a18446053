package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/** Debug mode names the code that blocks the loop while it is still blocking it. */
class StallWatchdogTests {

    private static void spinFor(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    @Test
    void stuckTaskIsReportedWhileStuck() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Instant[] finished = new Instant[1];
            run(() -> {
                getRunningLoop().setSlowCallbackDuration(0.1);
                createTask(() -> {
                    spinFor(600); // never awaits: the loop is stuck
                    finished[0] = Instant.now();
                }, "hog").await();
                return null;
            }, RunOptions.defaults().debug(true));
            List<LogRecord> stalls = log.records.stream()
                    .filter(r -> r.getMessage().contains("still running")).toList();
            assertEquals(1, stalls.size(), "reported once: " + log.messages(Level.WARNING));
            LogRecord stall = stalls.get(0);
            assertTrue(stall.getMessage().startsWith("<Task pending name='hog'"), stall.getMessage());
            assertTrue(stall.getMessage().contains("spinFor"), "the stack shows where it is stuck:\n" + stall.getMessage());
            assertTrue(stall.getInstant().isBefore(finished[0]), "reported before the task moved on");
            assertTrue(log.messages(Level.WARNING).stream().anyMatch(m -> m.matches("^Executing <Task .*hog.*> took .* seconds$")),
                    "and the slow-callback warning afterwards");
        }
    }

    @Test
    void stuckCallbackIsReportedWhileStuck() throws Exception {
        try (LogCapture log = new LogCapture()) {
            run(() -> {
                EventLoop loop = getRunningLoop();
                loop.setSlowCallbackDuration(0.1);
                Future<Void> done = loop.createFuture();
                loop.callSoon(() -> {
                    spinFor(500);
                    done.setResult(null);
                });
                done.await();
                return null;
            }, RunOptions.defaults().debug(true));
            assertTrue(log.records.stream().anyMatch(r -> r.getMessage().startsWith("<Handle ")
                            && r.getMessage().contains("still running") && r.getMessage().contains("spinFor")),
                    log.messages(Level.WARNING).toString());
        }
    }

    @Test
    void quietWhenNothingIsSlow() throws Exception {
        try (LogCapture log = new LogCapture()) {
            run(() -> {
                getRunningLoop().setSlowCallbackDuration(0.1);
                for (int i = 0; i < 20; i++) Asyncio.sleep(0.01);
                return null;
            }, RunOptions.defaults().debug(true));
            assertEquals(List.of(), log.messages(Level.WARNING));
        }
    }
}
