package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

import dev.jasyncio.Future;

/** Seed 000, "Anticipate Futures": a coroutine completes a future after two seconds. */
public final class FutureExample {
    static void setFuture(Future<String> fut) {
        sleep(2);
        fut.setResult("Future is done");
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            Future<String> fut = new Future<>();
            gather(() -> setFuture(fut)).await();
            System.out.println(fut.result());
        });
    }
}
