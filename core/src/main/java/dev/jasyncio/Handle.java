package dev.jasyncio;

/**
 * A callback scheduled on an {@link EventLoop} by {@code callSoon}: it can be cancelled until it
 * runs. Like asyncio's {@code Handle}, it is not thread-safe; cancel it from the loop's thread.
 */
public class Handle {
    Runnable callback;
    boolean cancelled;

    Handle(Runnable callback) {
        this.callback = callback;
    }

    /** Prevents the callback from running; does nothing if it already ran. */
    public void cancel() {
        cancelled = true;
        callback = null; // drop references, as asyncio does
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Runs the callback; the loop reports anything it throws. */
    void invoke() {
        callback.run();
    }

    /** True for the internal handles that resume a task rather than run a callback. */
    boolean resumesTask() {
        return false;
    }

    @Override
    public String toString() {
        String kind = getClass().getSimpleName();
        if (cancelled) return "<" + kind + " cancelled>";
        return "<" + kind + " " + describe(callback) + ">";
    }

    static String describe(Object callback) {
        if (callback == null) return "null";
        String name = callback.getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda < 0 ? name : name.substring(0, lambda) + "$lambda";
    }
}
