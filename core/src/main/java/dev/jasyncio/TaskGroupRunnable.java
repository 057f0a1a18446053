package dev.jasyncio;

/** The body of {@link Asyncio#taskGroup(TaskGroupRunnable)}: adds tasks to the group. */
@FunctionalInterface
public interface TaskGroupRunnable {
    void run(TaskGroup tg) throws Exception;
}
