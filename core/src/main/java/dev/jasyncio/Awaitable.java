package dev.jasyncio;

/**
 * Something a task can wait on: asyncio's awaitable. A coroutine is any lambda or method of this
 * shape; awaiting it means calling {@link #await()}, which runs it inline in the current task,
 * as {@code await coro()} does in Python. A {@link Future} is an awaitable that suspends the
 * calling task until it is done.
 */
@FunctionalInterface
public interface Awaitable<T> {
    T await() throws Exception;
}
