package dev.jasyncio;

/**
 * What {@link Lock} and {@link Semaphore} share: {@code hold()}, the Java form of asyncio's
 * {@code async with lock:}.
 */
abstract class Acquirable extends LoopBound {
    public abstract boolean acquire();

    public abstract void release();

    /**
     * Acquires, and returns a {@link Guard} whose {@code close()} releases, for
     * {@code try (var _ = x.hold()) { ... }}. Closing the guard again does nothing, so it can
     * never release a hold that another task has taken since.
     */
    public final Guard hold() {
        acquire();
        return new Guard() {
            private boolean closed;

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                release();
            }
        };
    }
}
