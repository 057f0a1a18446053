package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/** Seed 000, "Basic Usage": two coroutines gathered; both print after one second, not two. */
public final class HelloWorldGather {
    static void sayHello() {
        sleep(1);
        System.out.println("Hello");
    }

    static void sayWorld() {
        sleep(1);
        System.out.println("World");
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            gather(HelloWorldGather::sayHello, HelloWorldGather::sayWorld).await();
        });
    }
}
