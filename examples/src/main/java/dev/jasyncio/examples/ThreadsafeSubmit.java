package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.runCoroutineThreadsafe;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.toThread;

/**
 * Seed 003, "Synchronize tasks": another OS thread launches a coroutine on the loop with
 * {@code runCoroutineThreadsafe} and blocks on the result, while the loop stays free.
 */
public final class ThreadsafeSubmit {
    public static void main(String[] args) throws Exception {
        run(() -> {
            var loop = getRunningLoop();
            String answer = toThread(() -> {
                var future = runCoroutineThreadsafe(() -> sleep(0.5, "computed on the loop"), loop);
                return "worker thread got: " + future.get();
            });
            System.out.println(answer);
        });
    }
}
