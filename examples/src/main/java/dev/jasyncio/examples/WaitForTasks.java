package dev.jasyncio.examples;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.Asyncio.waitFor;

import java.util.List;

import dev.jasyncio.Asyncio;
import dev.jasyncio.ReturnWhen;

/**
 * Seed 003, "Run coroutines and tasks": wait for one task with wait_for and read task.result(),
 * then wait for several with asyncio.wait (here with a timeout: the slow one is still pending).
 */
public final class WaitForTasks {
    static String myTask(double seconds, String name) {
        sleep(seconds);
        return name + " finished";
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            var task = createTask(() -> myTask(1, "task"));
            waitFor(task, 5);
            System.out.println(task.result());

            var task1 = createTask(() -> myTask(1, "task1"));
            var task2 = createTask(() -> myTask(3, "task2"));
            var done = Asyncio.wait(List.of(task1, task2), 2.0, ReturnWhen.ALL_COMPLETED);
            System.out.println("done: " + done.done().size() + ", pending: " + done.pending().size());
            for (var t : done.done()) System.out.println(t.result());
            task2.await();
            System.out.println(task2.result());
        });
    }
}
