package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/**
 * Seed 002, "Define a coroutine" and "Run several together": greet(name) sleeps 500 ms then
 * prints. One greeting, then three gathered: they appear together after 500 ms, not 1500 ms.
 */
public final class GreetTogether {
    static void greet(String name) {
        sleep(0.5);
        System.out.println("hello " + name);
    }

    public static void main(String[] args) throws Exception {
        run(() -> greet("World"));
        run(() -> {
            gather(() -> greet("A"), () -> greet("B"), () -> greet("C")).await();
        });
    }
}
