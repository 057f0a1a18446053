package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/** Seed 003, "Run coroutines and tasks": five one-second sleeps in a row, a dot after each. */
public final class Dots {
    public static void main(String[] args) throws Exception {
        run(() -> {
            System.out.println("Waiting 5 seconds. ");
            for (int i = 0; i < 5; i++) {
                sleep(1);
                System.out.println(".");
            }
            System.out.println("Finished waiting.");
        });
    }
}
