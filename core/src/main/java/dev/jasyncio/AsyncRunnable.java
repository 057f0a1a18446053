package dev.jasyncio;

/** A coroutine that returns nothing: asyncio's {@code async def f() -> None}. */
@FunctionalInterface
public interface AsyncRunnable {
    void run() throws Exception;

    /** This coroutine as an {@link Awaitable} that returns {@code null}. */
    default Awaitable<Void> asAwaitable() {
        return () -> {
            run();
            return null;
        };
    }
}
