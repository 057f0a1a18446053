package dev.jasyncio;

/**
 * A meeting point for a fixed number of tasks: asyncio's {@code Barrier}. Each task calls
 * {@link #await()}; when the last of {@link #parties()} arrives, all of them are released
 * together. The barrier can then be used again.
 *
 * <p>While the released tasks leave ("draining"), newcomers wait for the next round. {@link
 * #reset()} sends the tasks waiting now a {@link BrokenBarrierError} and makes the barrier usable
 * again once they have left; {@link #abort()} breaks it for good. A waiter that is cancelled
 * just leaves: the barrier counts one task fewer and does not break.
 */
public final class Barrier {
    private enum State { FILLING, DRAINING, RESETTING, BROKEN }

    private final Condition cond = new Condition(); // signalled on every state change
    private final int parties;
    private State state = State.FILLING;
    int count;                                      // tasks inside await() now

    /** A barrier for {@code parties} tasks; {@link IllegalArgumentException} unless it is at least 1. */
    public Barrier(int parties) {
        if (parties < 1) throw new IllegalArgumentException("parties must be > 0, got " + parties);
        this.parties = parties;
    }

    /**
     * Waits until {@link #parties()} tasks wait, then returns this task's index, unique among them,
     * from 0 to parties-1 in order of arrival.
     *
     * @throws BrokenBarrierError if the barrier is reset or aborted while waiting, or was aborted
     */
    public int await() throws BrokenBarrierError {
        try (Guard _ = cond.hold()) {
            waitForNextRound();
            int index = count++;
            try {
                if (index + 1 == parties) {
                    state = State.DRAINING;
                    cond.signalAll();
                } else {
                    waitForRelease();
                }
                return index;
            } finally {
                count--;
                leave();
            }
        }
    }

    /** Newcomers wait while the previous round drains or a reset completes. */
    private void waitForNextRound() throws BrokenBarrierError {
        cond.awaitFor(() -> state != State.DRAINING && state != State.RESETTING);
        if (state == State.BROKEN) throw new BrokenBarrierError("Barrier aborted");
    }

    private void waitForRelease() throws BrokenBarrierError {
        cond.awaitFor(() -> state != State.FILLING);
        if (state == State.BROKEN || state == State.RESETTING) {
            throw new BrokenBarrierError("Abort or reset of barrier");
        }
    }

    /** The last task out of a drained or reset round reopens the barrier. */
    private void leave() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) state = State.FILLING;
            cond.signalAll();
        }
    }

    /**
     * Returns the barrier to its initial state; tasks waiting now get a {@link BrokenBarrierError}.
     * May wait for the barrier's internal lock.
     */
    public void reset() {
        try (Guard _ = cond.hold()) {
            state = count > 0 ? State.RESETTING : State.FILLING;
            cond.signalAll();
        }
    }

    /**
     * Breaks the barrier: tasks waiting now, and every later {@link #await()}, get a {@link
     * BrokenBarrierError}. Use it when a party fails and the others must not wait for it forever.
     */
    public void abort() {
        try (Guard _ = cond.hold()) {
            state = State.BROKEN;
            cond.signalAll();
        }
    }

    public int parties() {
        return parties;
    }

    /** How many tasks wait for the barrier to fill (0 while it drains or resets). */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    public boolean broken() {
        return state == State.BROKEN;
    }

    @Override
    public String toString() {
        String extra = state.name().toLowerCase(java.util.Locale.ROOT);
        if (!broken()) extra += ", waiters:" + nWaiting() + "/" + parties;
        return "<Barrier [" + extra + "]>";
    }
}
