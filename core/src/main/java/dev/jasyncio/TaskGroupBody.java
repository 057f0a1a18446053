package dev.jasyncio;

/** The body of {@link Asyncio#taskGroup(TaskGroupBody)}: adds tasks to the group and returns a value. */
@FunctionalInterface
public interface TaskGroupBody<T> {
    T run(TaskGroup tg) throws Exception;
}
