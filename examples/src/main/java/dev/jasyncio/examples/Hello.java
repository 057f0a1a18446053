package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/** The README's example: two greetings computed concurrently, ready after 0.5 s, not 1 s. */
public class Hello {
    static String greet(String name) {
        sleep(0.5);                      // suspends this task only
        return "hello " + name;
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            var a = createTask(() -> greet("A"));
            var b = createTask(() -> greet("B"));
            System.out.println(a.await() + ", " + b.await());   // after 0.5 s, not 1 s
        });
    }
}
