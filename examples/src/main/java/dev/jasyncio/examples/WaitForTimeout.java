package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.waitFor;

import dev.jasyncio.TimeoutError;

/** Seed 002, "Run with a timeout": a ten-second coroutine under a one-second wait_for. */
public final class WaitForTimeout {
    static String slow() {
        sleep(10);
        return "done";
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            try {
                String result = waitFor(WaitForTimeout::slow, 1.0);
                System.out.println(result);
            } catch (TimeoutError e) {
                System.out.println("timed out");
            }
        });
    }
}
