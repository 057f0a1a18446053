package dev.jasyncio;

/**
 * Tells which loop, and which task, a virtual thread belongs to. The tag is stored as the
 * thread's uncaught-exception handler: a field every thread already has, so finding the current
 * task costs one field read and no per-thread map (a ThreadLocal would add about 140 bytes to
 * every task). Task bodies catch everything, so the handler only runs if jasyncio itself fails.
 */
interface ThreadTag extends Thread.UncaughtExceptionHandler {
    EventLoop loop();

    /** The task this thread runs; null for the loop's driver. */
    Task<?> task();

    /** The tag of the calling thread, or null if it is not a thread of any loop. */
    static ThreadTag current() {
        return Thread.currentThread().getUncaughtExceptionHandler() instanceof ThreadTag tag ? tag : null;
    }

    @Override
    default void uncaughtException(Thread t, Throwable e) {
        loop().callExceptionHandler(ErrorContext.ofFuture("Internal error in " + t, e, task()));
    }
}
