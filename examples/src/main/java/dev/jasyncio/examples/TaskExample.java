package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

/** Seed 000, "Creating Tasks": schedule a coroutine as a task, then await it. */
public final class TaskExample {
    static void taskExample() {
        System.out.println("Task started");
        sleep(2);
        System.out.println("Task finished");
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            var task = createTask(TaskExample::taskExample);
            task.await();
        });
    }
}
