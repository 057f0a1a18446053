package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.run;

/**
 * Seed 000, "Exception Handling": an exception raised in a task comes out of {@code await()}
 * unchanged. Python's ValueError is Java's IllegalArgumentException.
 */
public final class ExceptionHandling {
    static void errorTask() {
        throw new IllegalArgumentException("An example error");
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            var task = createTask(ExceptionHandling::errorTask);
            try {
                task.await();
            } catch (IllegalArgumentException e) {
                System.out.println("Caught an exception: " + e.getMessage());
            }
        });
    }
}
