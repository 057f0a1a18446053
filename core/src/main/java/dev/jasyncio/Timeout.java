package dev.jasyncio;

import java.util.HashSet;
import java.util.Set;

import dev.jasyncio.internal.Throwables;

/**
 * asyncio's {@code Timeout}: a deadline over a block of code in the current task. When the
 * deadline passes the task is cancelled; if the block then ends with that CancelledError, the
 * scope turns it into a {@link TimeoutError} — but only the scope whose deadline fired and whose
 * {@code uncancel()} brings the task's {@code cancelling()} back to its level at entry, so a
 * foreign cancel is never swallowed and, among nested scopes that fire together, the outermost wins.
 *
 * <p>"No deadline" is {@code Double.POSITIVE_INFINITY}. Used through {@link Asyncio#timeout} and
 * {@link Asyncio#timeoutAt}, which run a body inside the scope.
 */
public final class Timeout {
    private enum State {
        CREATED("created"), ENTERED("active"), EXPIRING("expiring"), EXPIRED("expired"), EXITED("finished");

        final String text;

        State(String text) {
            this.text = text;
        }
    }

    private State state = State.CREATED;
    private double when;
    private Handle handle;
    private Task<?> task;
    private int cancellingAtEntry;

    Timeout(double when) {
        if (Double.isNaN(when)) throw new IllegalArgumentException("the deadline must not be NaN");
        this.when = when;
    }

    /** Runs {@code body} with a deadline at loop time {@code when}. */
    static <T> T within(double when, TimeoutBody<T> body) throws Exception {
        Timeout t = new Timeout(when);
        t.enter();
        T result;
        try {
            result = body.run(t);
        } catch (Throwable e) {
            throw Throwables.sneaky(t.exit(e));
        }
        t.exit(null);
        return result;
    }

    /** The deadline in loop time; {@code POSITIVE_INFINITY} for none. */
    public double when() {
        return when;
    }

    /** Moves the deadline (infinity removes it); a deadline in the past fires in the next iteration. */
    public void reschedule(double when) {
        if (Double.isNaN(when)) throw new IllegalArgumentException("the deadline must not be NaN");
        if (state != State.ENTERED) {
            if (state == State.CREATED) throw new IllegalStateException("Timeout has not been entered");
            throw new IllegalStateException("Cannot change state of " + state.text + " Timeout");
        }
        this.when = when;
        if (handle != null) handle.cancel();
        EventLoop loop = task.loop;
        if (when == Double.POSITIVE_INFINITY) handle = null;
        else if (when <= loop.time()) handle = loop.callSoon(this::onTimeout);
        else handle = loop.callAt(when, this::onTimeout);
    }

    /** True once the deadline has fired. */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    void enter() {
        if (state != State.CREATED) throw new IllegalStateException("Timeout has already been entered");
        Task<?> current = Task.current();
        if (current == null) throw new IllegalStateException("Timeout should be used inside a task");
        state = State.ENTERED;
        task = current;
        cancellingAtEntry = task.cancelling();
        reschedule(when);
    }

    /** Leaves the scope that ended with {@code exc} (null: normally); returns what to throw, if anything. */
    Throwable exit(Throwable exc) {
        if (handle != null) {
            handle.cancel();
            handle = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            if (task.uncancel() <= cancellingAtEntry && exc != null) {
                if (exc instanceof CancelledError) {
                    TimeoutError te = new TimeoutError();
                    te.initCause(exc);
                    return te;
                }
                if (Task.isInterruption(exc)) {
                    // our cancel reached a task blocked in a JDK call as an interrupt: that is how
                    // the CancelledError arrived there, so it is still this scope's timeout
                    Thread.interrupted(); // a channel leaves the interrupt set; it was ours, so clear it
                    CancelledError ce = new CancelledError();
                    ce.initCause(exc);
                    TimeoutError te = new TimeoutError();
                    te.initCause(ce);
                    return te;
                }
                markTimedOut(exc);
                if (exc instanceof ExceptionGroup g) g.exceptions().forEach(Timeout::markTimedOut);
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return exc;
    }

    /**
     * Another exception ended a scope that timed out (raised while handling the cancellation):
     * record the timeout on it, as asyncio inserts a TimeoutError into its context chain. Java has
     * no implicit context, so the TimeoutError is added as suppressed, caused by the CancelledError
     * found in the cause chain. An exception thrown from a finally block carries no trace of the
     * CancelledError it replaced, so then a new CancelledError stands for it: the timeout is
     * recorded either way.
     */
    private static void markTimedOut(Throwable exc) {
        CancelledError cause = null;
        Set<Throwable> seen = new HashSet<>();
        for (Throwable c = exc.getCause(); c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof CancelledError ce) {
                cause = ce;
                break;
            }
        }
        TimeoutError te = new TimeoutError();
        te.initCause(cause != null ? cause : new CancelledError());
        exc.addSuppressed(te);
    }

    private void onTimeout() {
        task.cancel();
        state = State.EXPIRING;
        handle = null;
    }

    @Override
    public String toString() {
        String info = "";
        if (state == State.ENTERED) {
            info = " when=" + (when == Double.POSITIVE_INFINITY ? "None" : String.valueOf(Math.round(when * 1000) / 1000.0));
        }
        return "<Timeout [" + state.text + "]" + info + ">";
    }
}
