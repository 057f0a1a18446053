package dev.jasyncio;

import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.jasyncio.internal.Throwables;

/**
 * A coroutine running concurrently on its loop: asyncio's {@code Task}. Each task is a virtual
 * thread scheduled by the loop's carrier, so it runs only while every other task is suspended and
 * switches only where it awaits (or where a blocking JDK call parks it).
 *
 * <p>A step of the task is the code between two suspensions. Cancellation follows asyncio: {@link
 * #cancel} is a request, counted by {@link #cancelling()}, delivered as a {@link CancelledError}
 * at the task's next resumption; the task may catch it, and is {@link #cancelled()} only if the
 * error escapes its body.
 */
public class Task<T> extends Future<T> {
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Object coro;        // an Awaitable<T>, or an AsyncRunnable (no adapter: one frame less)
    private String name;
    private final long number;
    private Thread thread;            // created when the task first runs
    private final Step step = new Step();

    private Future<?> futWaiter;      // what the task awaits right now
    private boolean mustCancel;       // deliver a CancelledError at the next resumption
    private int cancelRequests;
    private boolean started;
    private boolean resumed;          // the loop has released the task from its current suspension
    private boolean suspended = true; // parked in our await (or not yet started), not in JDK code
    private long stepStartNanos;      // debug mode: when the current step began

    // the loop's list of pending tasks, linked through the tasks themselves
    Task<?> prevPending, nextPending;

    Task(EventLoop loop, Object coro, String name) {
        super(loop);
        this.coro = coro;
        this.number = COUNTER.incrementAndGet();
        this.name = name;
    }

    /** The task that is running in the calling thread, or null. */
    static Task<?> current() {
        ThreadTag tag = ThreadTag.current();
        return tag == null ? null : tag.task();
    }

    static Task<?> currentOrThrow(String what) {
        Task<?> t = current();
        if (t == null) throw outsideTask(what);
        return t;
    }

    /** The error for {@code what} called outside a task; for callers that build {@code what} only when they need it. */
    static IllegalStateException outsideTask(String what) {
        return new IllegalStateException(what + " must be called from a task of a running event loop"
                + (ThreadTag.current() != null ? " (callbacks cannot suspend; create a task)" : ""));
    }

    static Task<?> currentForAwait(Future<?> fut) {
        Task<?> t = currentOrThrow("await()");
        if (fut.loop != t.loop) {
            throw new IllegalStateException("Task " + t + " got Future " + fut + " attached to a different loop");
        }
        if (fut == t) throw new IllegalStateException("Task cannot await on itself: " + t);
        return t;
    }

    public String getName() {
        if (name == null) name = "Task-" + number;
        return name;
    }

    public void setName(String name) {
        this.name = String.valueOf(name);
        if (thread != null) thread.setName(this.name);
    }

    /** How many cancellation requests are outstanding (asyncio's {@code cancelling()}). */
    public int cancelling() {
        return cancelRequests;
    }

    /** Withdraws one cancellation request; at zero, a cancel not yet delivered is dropped. */
    public int uncancel() {
        if (cancelRequests > 0) {
            cancelRequests--;
            if (cancelRequests == 0) mustCancel = false;
        }
        return cancelRequests;
    }

    /**
     * Requests cancellation. If the task awaits a future, that future is cancelled (which wakes
     * the task with a CancelledError); otherwise the error is delivered at the task's next await.
     * A task blocked in a JDK call (not in an await) is also interrupted, as a best effort.
     */
    @Override
    public boolean cancel(String msg) {
        loop.checkThread("Task.cancel()");
        logTraceback = false;
        if (done()) return false;
        cancelRequests++;
        if (futWaiter != null && futWaiter.cancel(msg)) {
            // keep futWaiter: if it is a task that ignores the cancel, a later cancel retries it
            return true;
        }
        mustCancel = true;
        cancelMessage = msg;
        if (started && !suspended && Thread.currentThread() != thread) thread.interrupt();
        return true;
    }

    /** The stack of the task's virtual thread, innermost frame first, without jasyncio's own frames. */
    public List<StackTraceElement> getStack() {
        if (!started || done()) return List.of();
        List<StackTraceElement> frames = new ArrayList<>();
        for (StackTraceElement e : thread.getStackTrace()) {
            if (!isPlumbing(e)) frames.add(e);
        }
        return frames;
    }

    /** Frames of the suspension machinery, which say nothing about where the task is. */
    private static boolean isPlumbing(StackTraceElement e) {
        String c = e.getClassName();
        return c.startsWith("java.lang.VirtualThread") || c.startsWith("jdk.internal.vm.")
                || c.equals("java.util.concurrent.locks.LockSupport") || c.equals("java.lang.System$1")
                || c.equals(Task.class.getName()) || c.equals(Task.class.getName() + "$Step")
                || c.equals(Future.class.getName()) && e.getMethodName().equals("await");
    }

    @Override
    public void setResult(T value) {
        throw new IllegalStateException("Task does not support setResult");
    }

    @Override
    public void setException(Throwable e) {
        throw new IllegalStateException("Task does not support setException");
    }

    // ---- running the body -------------------------------------------------------------------

    private void body() {
        resumed = false;
        beginStep();
        T value = null;
        Throwable failure = startingError();
        if (failure == null) {
            try {
                value = runCoro();
            } catch (Throwable e) {
                failure = e;
            }
        }
        endStep();
        finish(value, failure);
    }

    @SuppressWarnings("unchecked")
    private T runCoro() throws Exception {
        if (coro instanceof AsyncRunnable r) {
            r.run();
            return null;
        }
        return ((Awaitable<T>) coro).await();
    }

    /** A cancel that arrived before the first step means the body never starts (asyncio throws it into the coroutine). */
    private Throwable startingError() {
        Throwable exc = resumeWith(null);
        if (exc != null) Thread.interrupted(); // the interrupt, if any, was for this cancel
        return exc;
    }

    private void finish(T value, Throwable failure) {
        if (failure == null) {
            if (mustCancel) {
                mustCancel = false;
                super.cancel(cancelMessage);
            } else {
                super.setResult(value);
            }
        } else if (failure instanceof CancelledError ce) {
            cancelledExc = ce;
            super.cancel(null);
        } else if (mustCancel && isInterruption(failure)) {
            // the interrupt we sent to cancel a blocking JDK call escaped the body
            mustCancel = false;
            CancelledError ce = new CancelledError(cancelMessage);
            ce.initCause(failure);
            cancelledExc = ce;
            super.cancel(cancelMessage);
        } else {
            super.setException(failure);
        }
        loop.taskDone(this);
        thread = null; // a done task need not keep its (ending) thread reachable
    }

    /** The interrupt sent to cancel a task blocked in a JDK call, as that call reports it. */
    static boolean isInterruption(Throwable t) {
        return t instanceof InterruptedException || t instanceof ClosedByInterruptException;
    }

    // ---- suspending ---------------------------------------------------------------------------

    /** Awaits a pending future of this task's loop; the caller checked both. */
    <R> R suspendOn(Future<R> fut) {
        fut.addDoneCallback(step);
        futWaiter = fut;
        if (mustCancel && fut.cancel(cancelMessage)) mustCancel = false;
        park();
        R value = null;
        Throwable exc = null;
        try {
            value = fut.resultOrThrow();
        } catch (Throwable e) {
            exc = e;
        }
        exc = resumeWith(exc);
        if (exc != null) throw Throwables.sneaky(exc);
        return value;
    }

    /** Gives up the loop for exactly one iteration: asyncio's bare {@code yield} ({@code sleep(0)}). */
    void yieldOnce() {
        loop.enqueue(step);
        park();
        Throwable exc = resumeWith(null);
        if (exc != null) throw Throwables.sneaky(exc);
    }

    /** The start of a step (asyncio's {@code __step}): a pending cancel replaces whatever we resume with. */
    private Throwable resumeWith(Throwable exc) {
        if (mustCancel) {
            if (!(exc instanceof CancelledError)) exc = makeCancelledError();
            mustCancel = false;
        }
        futWaiter = null;
        return exc;
    }

    private void park() {
        Thread.interrupted(); // an interrupt sent to cancel a blocking call must not outlive it
        endStep();
        suspended = true;
        while (!resumed) {
            LockSupport.park(this);
            if (!resumed) Thread.interrupted(); // someone interrupted us while suspended: ignore
        }
        resumed = false;
        suspended = false;
        beginStep();
    }

    private void beginStep() {
        suspended = false;
        loop.activeSteps++;
        if (loop.debug) {
            stepStartNanos = System.nanoTime();
            loop.watchdog.begin(this);
        }
    }

    private void endStep() {
        loop.activeSteps--;
        if (loop.debug) loop.stepEnded(this, System.nanoTime() - stepStartNanos);
    }

    /** Called by the loop's driver: let the task run its next step. */
    private void resume() {
        resumed = true;
        if (!started) {
            started = true;
            // created only now, and dropped when done: of many short tasks gathered, only those
            // released together (see EventLoop.runReady) have a thread for the GC to copy
            thread = loop.carrier.newThread(step);
            thread.setUncaughtExceptionHandler(step);
            if (name != null) thread.setName(name);
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
    }

    Handle firstStep() {
        return step;
    }

    /**
     * The task's side that only the loop sees: the handle that resumes it (a task has at most one
     * step scheduled at a time), its done-callback on the future it awaits (so a wakeup allocates
     * nothing), the tag on its thread, and that thread's body.
     */
    private final class Step extends Handle implements Runnable, Consumer<Future<?>>, ThreadTag {
        Step() {
            super(null);
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public Task<?> task() {
            return Task.this;
        }

        @Override
        void invoke() {
            resume();
            loop.resumed++;
        }

        /** The body of the task's thread. */
        @Override
        public void run() {
            body();
        }

        @Override
        boolean resumesTask() {
            return true;
        }

        /** Runs as the done-callback of the awaited future (the loop schedules it without wrapping). */
        @Override
        public void accept(Future<?> ignored) {
            invoke();
        }

        @Override
        public String toString() {
            return "<Handle " + Task.this + ".step()>";
        }
    }

    // ---- description ----------------------------------------------------------------------

    String coroName() {
        return Handle.describe(coro);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<Task ");
        String state = describeState();
        int detail = state.indexOf(' ');
        String word = detail < 0 ? state : state.substring(0, detail);
        if (!done() && cancelRequests > 0) word = "cancelling";
        sb.append(word).append(" name='").append(getName()).append("' coro=").append(coroName());
        if (detail >= 0) sb.append(state.substring(detail));
        if (futWaiter != null) sb.append(" wait_for=").append(futWaiter);
        return sb.append('>').toString();
    }
}
