package dev.jasyncio;

/** A callback scheduled for a point in loop time by {@code callLater} or {@code callAt}. */
public final class TimerHandle extends Handle {
    final double when;
    final long seq;          // orders timers with equal deadlines by scheduling order
    int heapIndex = -1;      // position in the loop's timer heap, -1 once out of it
    private final EventLoop loop;

    TimerHandle(EventLoop loop, double when, long seq, Runnable callback) {
        super(callback);
        this.loop = loop;
        this.when = when;
        this.seq = seq;
    }

    /** The loop time ({@link EventLoop#time()}) at which the callback is due. */
    public double when() {
        return when;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            super.cancel();
            loop.timerCancelled(this);
        }
    }

    boolean before(TimerHandle other) {
        return when < other.when || (when == other.when && seq < other.seq);
    }

    @Override
    public String toString() {
        return cancelled ? "<TimerHandle cancelled when=" + when + ">"
                : "<TimerHandle when=" + when + " " + describe(callback) + ">";
    }
}
