package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

import dev.jasyncio.CancelledError;

/** Seed 002, "Tasks": a background task ticks every second until main cancels it after five. */
public final class BackgroundTicker {
    static void background() {
        while (true) {
            sleep(1);
            System.out.println("tick");
        }
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            var task = createTask(BackgroundTicker::background); // runs concurrently
            sleep(5);
            task.cancel();                                        // raises CancelledError in it
            try {
                task.await();
            } catch (CancelledError e) {
                // expected: the task ended because we cancelled it
            }
        });
    }
}
