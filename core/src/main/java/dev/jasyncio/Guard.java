package dev.jasyncio;

/**
 * A held lock or semaphore permit, returned by {@code hold()}, for try-with-resources: asyncio's
 * {@code async with lock:}. {@code close()} releases and declares no checked exception, so the
 * block needs no catch clause.
 */
public interface Guard extends AutoCloseable {
    /** Releases what {@code hold()} acquired; closing again does nothing. */
    @Override
    void close();
}
