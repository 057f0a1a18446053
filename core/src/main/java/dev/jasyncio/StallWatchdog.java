package dev.jasyncio;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.LockSupport;

/**
 * Debug mode's stall detector. asyncio can only say afterwards that a callback was slow; this
 * reports a step that runs longer than the slow-callback threshold while it is still stuck, with
 * the stack of the thread that is stuck — the code that blocks the loop, named while it blocks.
 * Steps mark their start and end; a platform thread looks at the mark periodically.
 */
final class StallWatchdog {
    private static final System.Logger LOG = System.getLogger("dev.jasyncio");

    private final EventLoop loop;
    private volatile Object step;       // the Task or Handle running now, or null
    private volatile Thread stepThread;
    private volatile long stepSince;
    private volatile boolean reported;
    private volatile boolean stopped;
    private Thread watcher;

    StallWatchdog(EventLoop loop) {
        this.loop = loop;
    }

    void begin(Object what) {
        stepThread = Thread.currentThread();
        stepSince = System.nanoTime();
        reported = false;
        step = what;
    }

    void end() {
        step = null;
    }

    void start() {
        stopped = false;
        watcher = Thread.ofPlatform().daemon().name("jasyncio-watchdog").start(this::watch);
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(watcher);
    }

    private void watch() {
        while (!stopped) {
            long threshold = (long) (loop.getSlowCallbackDuration() * 1e9);
            LockSupport.parkNanos(Math.max(10_000_000L, threshold / 2));
            Object what = step;
            long running = System.nanoTime() - stepSince;
            if (what != null && !reported && running > threshold) {
                reported = true;
                report(what, stepThread, running);
            }
        }
    }

    private static void report(Object what, Thread thread, long nanos) {
        StringBuilder sb = new StringBuilder(String.format(
                "%s has been running for %.3f seconds and is still running, blocking the loop; now at:", what, nanos / 1e9));
        for (StackTraceElement e : thread.getStackTrace()) sb.append("\n\tat ").append(e);
        LOG.log(Level.WARNING, sb.toString());
    }
}
