package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/** Seeds 002 and 004: a greeting around a one-second sleep ("Hello", then "World"). */
public final class Greet {
    static void greet() {
        System.out.println("Hello");
        sleep(1);
        System.out.println("World");
    }

    public static void main(String[] args) throws Exception {
        run(Greet::greet);
    }
}
