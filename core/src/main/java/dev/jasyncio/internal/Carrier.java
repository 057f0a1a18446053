package dev.jasyncio.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The scheduler of one event loop's virtual threads, and the platform thread that carries them.
 *
 * <p>The JDK hands every virtual thread that becomes runnable to {@link #execute}. The carrier
 * thread only runs those continuations and, when there is nothing to run and the loop's driver
 * asked for it, blocks in {@code select}: no user code ever runs on the bare carrier, so a
 * callback that blocks on a lock held by a parked task parks a virtual thread, not the loop.
 *
 * <p>Submissions from the carrier's own OS thread go to a plain deque; submissions from other
 * threads (the JDK's timer, poller and unblocker threads, {@code callSoonThreadsafe}) go through a
 * lock-free queue and wake the carrier only when it sleeps.
 */
public final class Carrier implements Executor {
    private static final int AWAKE = 0, PARKED = 1, SELECTING = 2;
    private static final VarHandle SLEEP;
    static {
        try {
            SLEEP = MethodHandles.lookup().findVarHandle(Carrier.class, "sleep", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ArrayDeque<Runnable> local = new ArrayDeque<>(256);
    private final ConcurrentLinkedQueue<Runnable> foreign = new ConcurrentLinkedQueue<>();
    private final Selector selector;
    private final ReadyKeys readyKeys;
    private final Thread.Builder.OfVirtual threads;

    private volatile Thread thread;       // the platform thread carrying now; null between runs
    private volatile int sleep;           // AWAKE, or how the carrier blocks right now
    private volatile boolean driverWake;  // another thread asked the driver to run an iteration
    private boolean interrupted;          // the carrying thread was interrupted; the driver has not heard yet

    // The driver's request to wait for I/O or a deadline. Only touched on the carrier's OS thread.
    private Thread ioWaiter;
    private long ioDeadline;

    /** {@code readyKeys} receives what the carrier's selects report, for the driver to process. */
    public Carrier(Selector selector, ReadyKeys readyKeys) {
        this.selector = selector;
        this.readyKeys = readyKeys;
        // a task's thread is created when the task first runs, by the loop, not by the task that
        // created it: inheriting the loop's InheritableThreadLocals would be misleading
        this.threads = VirtualThreads.builder(this).inheritInheritableThreadLocals(false);
    }

    /** A new, unstarted, unnamed virtual thread scheduled by this carrier. */
    public Thread newThread(Runnable body) {
        return threads.unstarted(body);
    }

    /** True when called from this carrier's OS thread (on the carrier or one of its virtual threads). */
    public boolean inCarrier() {
        Thread t = thread;
        return t != null && VirtualThreads.currentCarrier() == t;
    }

    @Override
    public void execute(Runnable continuation) {
        if (inCarrier()) {
            local.addLast(continuation);
        } else {
            foreign.add(continuation);
            wake();
        }
    }

    private void wake() {
        int mode = sleep;
        if (mode != AWAKE && SLEEP.compareAndSet(this, mode, AWAKE)) {
            if (mode == SELECTING) selector.wakeup();
            else LockSupport.unpark(thread);
        }
    }

    /**
     * Runs continuations on the calling platform thread until {@code driver} has terminated.
     * Continuations that become runnable after that stay queued for the next call.
     */
    public void carry(Thread driver) {
        if (Thread.currentThread().isVirtual()) throw new IllegalStateException("a carrier must be a platform thread");
        thread = Thread.currentThread();
        // mounting a virtual thread clears the carrier's interrupt status: take it now, for the driver
        if (Thread.interrupted()) interrupted();
        try {
            driver.start();
            while (driver.isAlive()) {
                Runnable r = local.pollFirst();
                if (r != null) {
                    r.run();
                    if (!foreign.isEmpty()) drainForeign();
                } else if (!foreign.isEmpty()) {
                    drainForeign();
                } else {
                    idle();
                }
            }
        } finally {
            thread = null;
            sleep = AWAKE;
        }
    }

    private void drainForeign() {
        Runnable r;
        while ((r = foreign.poll()) != null) local.addLast(r);
    }

    private void idle() {
        // an interrupt would make every park and select return at once: take it, do not spin
        if (Thread.interrupted()) interrupted();
        Thread waiter = ioWaiter;
        if (waiter != null && driverWake) {
            driverWake = false;
            resumeDriver();
            return;
        }
        boolean select = waiter != null && !selector.keys().isEmpty();
        sleep = select ? SELECTING : PARKED;
        boolean woke = false;
        try {
            if (!foreign.isEmpty() || driverWake) return; // re-check after publishing `sleep`
            long deadline = ioDeadline;
            if (select) {
                long ms = deadline == Long.MAX_VALUE ? 0 : ceilMillis(deadline - System.nanoTime());
                int n = deadline == Long.MAX_VALUE ? selector.select(readyKeys)
                        : ms > 0 ? selector.select(readyKeys, ms) : selector.selectNow(readyKeys);
                woke = n > 0;
            } else if (waiter == null || deadline == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
            if (waiter != null && deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) woke = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sleep = AWAKE;
        }
        if (waiter != null && (woke || driverWake)) {
            driverWake = false;
            resumeDriver();
        }
    }

    /** Records an interrupt of the carrying thread and has the driver run an iteration to act on it. */
    private void interrupted() {
        interrupted = true;
        driverWake = true;
    }

    /**
     * True once after the thread carrying the loop was interrupted; for the driver. Best effort:
     * the JDK resets the carrier's interrupt status when it mounts a virtual thread, so an interrupt
     * that lands while a task runs (rather than while the loop waits) can be missed.
     */
    public boolean takeInterrupt() {
        if (!interrupted) return false;
        interrupted = false;
        return true;
    }

    private static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(nanos + 999_999);
    }

    private void resumeDriver() {
        Thread w = ioWaiter;
        if (w != null) {
            ioWaiter = null;
            LockSupport.unpark(w);
        }
    }

    /**
     * Called by the loop's driver thread: park until I/O is ready, the deadline ({@link
     * System#nanoTime()}, {@code Long.MAX_VALUE} for none) passes, or someone pokes the driver.
     * Selected keys are left in the {@link ReadyKeys} for the driver to process.
     */
    public void awaitIo(long deadline) {
        Thread self = Thread.currentThread();
        ioDeadline = deadline;
        ioWaiter = self;
        while (ioWaiter == self) LockSupport.park(this);
    }

    /** Resumes the driver if it waits for I/O; for use on the carrier's OS thread only. */
    public void poke() {
        if (ioWaiter != null) resumeDriver();
    }

    /** True while the driver waits in {@link #awaitIo}. */
    public boolean driverWaiting() {
        return ioWaiter != null;
    }

    /** Makes the driver run an iteration soon; safe from any thread. */
    public void wakeDriver() {
        if (inCarrier()) {
            poke();
        } else {
            driverWake = true;
            wake();
        }
    }

    /** Called by the driver at the start of an iteration: earlier wake requests are now served. */
    public void clearDriverWake() {
        if (driverWake) driverWake = false;
    }

    /** True if no continuation is queued; the virtual clock only jumps when this holds. */
    public boolean quiescent() {
        return local.isEmpty() && foreign.isEmpty();
    }

    /** Drops queued continuations of a closed loop (their threads can never run again). */
    public int discard() {
        drainForeign();
        int n = local.size();
        local.clear();
        return n;
    }
}
