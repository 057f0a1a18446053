package dev.jasyncio;

/** The body of {@link Asyncio#timeout(double, TimeoutBody)}; it can inspect and reschedule its {@link Timeout}. */
@FunctionalInterface
public interface TimeoutBody<T> {
    T run(Timeout t) throws Exception;
}
