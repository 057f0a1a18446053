package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.run;

/** Seed 004, "Handling Exceptions": awaiting a coroutine that raises is an ordinary try/catch. */
public final class FaultyFunction {
    static void faultyFunction() {
        throw new IllegalArgumentException("An error occurred");
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            try {
                faultyFunction();
            } catch (IllegalArgumentException e) {
                System.out.println("Caught an exception: " + e.getMessage());
            }
        });
    }
}
