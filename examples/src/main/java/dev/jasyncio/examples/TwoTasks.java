package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/** Seed 004, "Creating Multiple Tasks": two tasks sleep concurrently; the whole takes 2 s, not 3 s. */
public final class TwoTasks {
    static void sayHello() {
        sleep(1);
        System.out.println("Hello");
    }

    static void sayWorld() {
        sleep(2);
        System.out.println("World");
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            var task1 = createTask(TwoTasks::sayHello);
            var task2 = createTask(TwoTasks::sayWorld);
            task1.await();
            task2.await();
        });
    }
}
