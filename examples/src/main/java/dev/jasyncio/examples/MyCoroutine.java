package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/** Seed 001: a coroutine that prints, sleeps two seconds without blocking the loop, and prints again. */
public final class MyCoroutine {
    static void myCoroutine() {
        System.out.println("Start");
        sleep(2); // simulate an asynchronous operation
        System.out.println("End");
    }

    public static void main(String[] args) throws Exception {
        run(MyCoroutine::myCoroutine);
    }
}
