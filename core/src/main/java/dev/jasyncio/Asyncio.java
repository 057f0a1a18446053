package dev.jasyncio;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * asyncio's module-level functions. Use with {@code import static dev.jasyncio.Asyncio.*}.
 */
public final class Asyncio {
    private Asyncio() {}

    // ---- runners ---------------------------------------------------------------------------

    /**
     * Runs {@code main} as the first task of a new event loop and returns its result; rethrows its
     * exception. Afterwards, tasks still pending are cancelled and awaited (their errors reported),
     * the default executor is shut down and the loop is closed. Cannot be called from a running loop.
     */
    public static <T> T run(Awaitable<T> main) throws Exception {
        return run(main, RunOptions.defaults());
    }

    public static void run(AsyncRunnable main) throws Exception {
        run(main.asAwaitable(), RunOptions.defaults());
    }

    public static void run(AsyncRunnable main, RunOptions options) throws Exception {
        run(main.asAwaitable(), options);
    }

    public static <T> T run(Awaitable<T> main, RunOptions options) throws Exception {
        Objects.requireNonNull(main, "main");
        if (EventLoop.runningOrNull() != null) {
            throw new IllegalStateException("Asyncio.run() cannot be called from a running event loop");
        }
        EventLoop loop = options.newLoop();
        SignalCancel onSignal = new SignalCancel(Thread.currentThread());
        try {
            return loop.runUntilComplete(loop.createTask(main));
        } finally {
            boolean interrupted = Thread.interrupted(); // held back, or it would cut the cleanup short
            try {
                cancelAllTasks(loop);
                loop.runUntilComplete(() -> {
                    loop.shutdownDefaultExecutor();
                    return null;
                });
            } finally {
                loop.close();
                onSignal.remove();
                if (interrupted) Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * asyncio.run cancels its main task on Ctrl-C. A JVM gets SIGINT and SIGTERM as a shutdown, so
     * while {@link #run} runs, a shutdown hook interrupts the thread running the loop, which
     * cancels the main task (see {@link EventLoop#runUntilComplete}), and gives the cleanup a few
     * seconds before the JVM halts (and the caller half a second more, or until its thread ends).
     */
    private static final class SignalCancel {
        private static final long GRACE_SECONDS = 5, CALLER_MILLIS = 500;
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook;

        SignalCancel(Thread runner) {
            hook = new Thread(() -> {
                runner.interrupt();
                try {
                    // the cleanup, then a moment for the caller to handle the InterruptedException
                    if (finished.await(GRACE_SECONDS, TimeUnit.SECONDS)) runner.join(CALLER_MILLIS);
                } catch (InterruptedException ignored) {
                    // halting anyway
                }
            }, "jasyncio-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** Called when run() is done with the loop. */
        void remove() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now; it has just been told we are done
            }
        }
    }

    private static void cancelAllTasks(EventLoop loop) throws Exception {
        Set<Task<?>> leftovers = loop.pendingTasks();
        if (leftovers.isEmpty()) return;
        for (Task<?> t : leftovers) t.cancel();
        loop.runUntilComplete(() -> {
            for (Task<?> t : leftovers) {
                try {
                    t.await();
                } catch (Throwable ignored) {
                    // inspected below, like gather(return_exceptions=True)
                }
            }
            return null;
        });
        for (Task<?> t : leftovers) {
            if (t.cancelled()) continue;
            Throwable e = t.exception();
            if (e != null) {
                loop.callExceptionHandler(new ErrorContext("unhandled exception during Asyncio.run() shutdown",
                        e, t, t, null, null, null));
            }
        }
    }

    // ---- time --------------------------------------------------------------------------------

    /**
     * Suspends the current task for {@code seconds} (loop time). Zero or less yields for exactly
     * one loop iteration. NaN is rejected.
     */
    public static void sleep(double seconds) {
        sleep(seconds, null);
    }

    /** {@link #sleep(double)}, then returns {@code result}. */
    public static <T> T sleep(double seconds, T result) {
        if (Double.isNaN(seconds)) throw new IllegalArgumentException("Invalid delay: NaN (not a number)");
        Task<?> task = Task.currentOrThrow("sleep()");
        if (seconds <= 0) {
            task.yieldOnce();
            return result;
        }
        Wakeup<T> wakeup = new Wakeup<>(task.loop, result);
        TimerHandle timer = task.loop.callLater(seconds, wakeup);
        try {
            return task.suspendOn(wakeup);
        } finally {
            timer.cancel();
        }
    }

    /** The future a sleeping task awaits; it is also the timer's callback (one object less per sleep). */
    private static final class Wakeup<T> extends Future<T> implements Runnable {
        private final T value;

        Wakeup(EventLoop loop, T value) {
            super(loop);
            this.value = value;
        }

        @Override
        public void run() {
            if (!done()) setResult(value);
        }
    }

    public static void sleep(Duration d) {
        sleep(d.toNanos() / 1e9, null);
    }

    // ---- tasks ----------------------------------------------------------------------------------

    /** Schedules {@code coro} as a task of the running loop. */
    public static <T> Task<T> createTask(Awaitable<T> coro) {
        return EventLoop.runningLoop("createTask()").createTask(coro, null);
    }

    public static <T> Task<T> createTask(Awaitable<T> coro, String name) {
        return EventLoop.runningLoop("createTask()").createTask(coro, name);
    }

    public static Task<Void> createTask(AsyncRunnable coro) {
        return EventLoop.runningLoop("createTask()").createTask(coro, null);
    }

    public static Task<Void> createTask(AsyncRunnable coro, String name) {
        return EventLoop.runningLoop("createTask()").createTask(coro, name);
    }

    /** The task running in this thread, or null (in a callback, or outside any loop). */
    public static Task<?> currentTask() {
        return Task.current();
    }

    /** The running loop's tasks that are not done. */
    public static Set<Task<?>> allTasks() {
        return EventLoop.runningLoop("allTasks()").pendingTasks();
    }

    /** The loop running in this thread; fails outside of one. */
    public static EventLoop getRunningLoop() {
        return EventLoop.runningLoop("getRunningLoop()");
    }

    public static EventLoop newEventLoop() {
        return new EventLoop();
    }

    // ---- combinators ----------------------------------------------------------------------------

    /**
     * One future for all results, in argument order. Futures are used as they are; other
     * awaitables run as tasks. The first error completes it without cancelling the others;
     * cancelling it cancels the children.
     */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Awaitable<? extends T>... aws) {
        return Gather.gather(false, List.of(aws));
    }

    /** {@link #gather(Awaitable[])}; with {@code returnExceptions}, errors appear as list elements. */
    @SafeVarargs
    public static <T> Future<List<T>> gather(boolean returnExceptions, Awaitable<? extends T>... aws) {
        return Gather.gather(returnExceptions, List.of(aws));
    }

    public static Future<List<Void>> gather(AsyncRunnable... coros) {
        List<Awaitable<Void>> aws = new ArrayList<>(coros.length);
        for (AsyncRunnable c : coros) aws.add(c.asAwaitable());
        return Gather.gather(false, aws);
    }

    public static <T> Future<List<T>> gather(Collection<? extends Awaitable<? extends T>> aws) {
        return Gather.gather(false, List.copyOf(aws));
    }

    public static <T> Future<List<T>> gather(boolean returnExceptions, Collection<? extends Awaitable<? extends T>> aws) {
        return Gather.gather(returnExceptions, List.copyOf(aws));
    }

    /**
     * Awaits {@code aw} for at most {@code timeoutSeconds}; on time-out cancels it, waits for it
     * to finish, and raises TimeoutError (caused by the CancelledError). Zero or less times out at
     * once without starting a coroutine; {@code POSITIVE_INFINITY} just awaits.
     */
    public static <T> T waitFor(Awaitable<T> aw, double timeoutSeconds) throws Exception {
        return WaitFor.waitFor(aw, timeoutSeconds);
    }

    /** Waits until {@code when} holds for {@code fs}; returns (done, pending). Call it as {@code Asyncio.wait(...)}. */
    public static <F extends Future<?>> DoneAndPending<F> wait(Collection<F> fs, ReturnWhen when) {
        return Wait.wait(fs, Double.POSITIVE_INFINITY, when);
    }

    /** {@link #wait(Collection, ReturnWhen)} for at most {@code timeoutSeconds}; never raises TimeoutError. */
    public static <F extends Future<?>> DoneAndPending<F> wait(Collection<F> fs, double timeoutSeconds, ReturnWhen when) {
        return Wait.wait(fs, timeoutSeconds, when);
    }

    /** Futures that, awaited in any order, give the inputs' outcomes in completion order. */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> fs) {
        return new AsCompleted<>(fs, Double.POSITIVE_INFINITY);
    }

    /** {@link #asCompleted(Collection)}; once the time is up, the next future's await() raises TimeoutError. */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> fs, double timeoutSeconds) {
        return new AsCompleted<>(fs, timeoutSeconds);
    }

    /** A future that follows {@code aw} but whose cancellation leaves {@code aw} running. */
    public static <T> Future<T> shield(Awaitable<T> aw) {
        return Shield.shield(aw);
    }

    /** Runs {@code body} with a deadline {@code delaySeconds} from now; TimeoutError if it passes. */
    public static <T> T timeout(double delaySeconds, Awaitable<T> body) throws Exception {
        return timeout(delaySeconds, t -> body.await());
    }

    /** {@link #timeout(double, Awaitable)}; the body gets the {@link Timeout} to inspect or reschedule. */
    public static <T> T timeout(double delaySeconds, TimeoutBody<T> body) throws Exception {
        double now = EventLoop.runningLoop("timeout()").time();
        return Timeout.within(delaySeconds == Double.POSITIVE_INFINITY ? delaySeconds : now + delaySeconds, body);
    }

    /** Runs {@code body} with a deadline at loop time {@code when}. */
    public static <T> T timeoutAt(double when, Awaitable<T> body) throws Exception {
        return Timeout.within(when, t -> body.await());
    }

    public static <T> T timeoutAt(double when, TimeoutBody<T> body) throws Exception {
        return Timeout.within(when, body);
    }

    /**
     * Runs {@code body} with a {@link TaskGroup}, then waits for every task created in it. If any
     * fails, the rest and the body are cancelled and an {@link ExceptionGroup} of the errors is thrown.
     */
    public static <T> T taskGroup(TaskGroupBody<T> body) throws Exception {
        return TaskGroup.run(body);
    }

    public static void taskGroup(TaskGroupRunnable body) throws Exception {
        TaskGroup.run(tg -> {
            body.run(tg);
            return null;
        });
    }

    // ---- streams --------------------------------------------------------------------------------

    /** Connects to {@code host:port}; returns the connection's reader and writer. Call it from a task. */
    public static Connection openConnection(String host, int port) throws IOException {
        return openConnection(host, port, ConnectOptions.defaults());
    }

    /**
     * {@link #openConnection(String, int)} with a local address, a reader limit, or TLS ({@link
     * ConnectOptions#withSsl}): then the reader and writer carry plain bytes, and a failed
     * handshake throws its {@link javax.net.ssl.SSLException} (see {@link EventLoop#createConnection}).
     */
    public static Connection openConnection(String host, int port, ConnectOptions options) throws IOException {
        EventLoop loop = EventLoop.runningLoop("openConnection()");
        return StreamProtocol.open(loop, options.limit(), host, f -> loop.createConnection(f, host, port, options));
    }

    /** Connects to the Unix domain socket at {@code path}. */
    public static Connection openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, ConnectOptions.defaults());
    }

    /** {@link #openUnixConnection(Path)} with a reader limit, or TLS (which then needs a {@code serverHostname}). */
    public static Connection openUnixConnection(Path path, ConnectOptions options) throws IOException {
        EventLoop loop = EventLoop.runningLoop("openUnixConnection()");
        return StreamProtocol.open(loop, options.limit(), null, f -> loop.createUnixConnection(f, path, options));
    }

    /**
     * Listens on {@code host:port} (null: every interface; port 0: any free port) and runs
     * {@code handler} in a new task for each connection.
     */
    public static Server startServer(ClientConnected handler, String host, int port) throws IOException {
        return startServer(handler, host, port, ServerOptions.defaults());
    }

    /**
     * {@link #startServer(ClientConnected, String, int)} with options; with {@link
     * ServerOptions#withSsl} the handler's reader and writer carry plain bytes over TLS, and the
     * handler runs once the client's handshake has succeeded.
     */
    public static Server startServer(ClientConnected handler, String host, int port, ServerOptions options) throws IOException {
        EventLoop loop = EventLoop.runningLoop("startServer()");
        return loop.createServer(StreamProtocol.serving(loop, handler, options.limit()), host, port, options);
    }

    /** {@link #startServer} on a Unix domain socket; the socket file is removed when the server closes. */
    public static Server startUnixServer(ClientConnected handler, Path path) throws IOException {
        return startUnixServer(handler, path, ServerOptions.defaults());
    }

    public static Server startUnixServer(ClientConnected handler, Path path, ServerOptions options) throws IOException {
        EventLoop loop = EventLoop.runningLoop("startUnixServer()");
        return loop.createUnixServer(StreamProtocol.serving(loop, handler, options.limit()), path, options);
    }

    // ---- threads --------------------------------------------------------------------------------

    /**
     * Runs {@code blocking} on the loop's default executor (platform threads, never the loop) and
     * suspends the current task until it returns; rethrows what it throws.
     */
    public static <T> T toThread(Callable<T> blocking) throws Exception {
        return EventLoop.runningLoop("toThread()").runInExecutor(null, blocking).await();
    }

    /**
     * Submits {@code coro} to {@code loop} from any other thread and returns a future of its result.
     * Cancelling that future cancels the task.
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Awaitable<T> coro, EventLoop loop) {
        Objects.requireNonNull(coro, "coro");
        AtomicReference<Task<T>> task = new AtomicReference<>();
        CompletableFuture<T> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled) {
                    loop.callSoonThreadsafe(() -> {
                        Task<T> t = task.get();
                        if (t != null) t.cancel();
                    });
                }
                return cancelled;
            }
        };
        loop.callSoonThreadsafe(() -> {
            if (result.isDone()) return;
            Task<T> t;
            try {
                t = loop.createTask(coro);
            } catch (Throwable e) {
                result.completeExceptionally(e);
                throw e;
            }
            task.set(t);
            t.addDoneCallback(done -> {
                if (done.cancelled()) {
                    result.cancel(false);
                    return;
                }
                Throwable e = done.exception();
                if (e != null) result.completeExceptionally(e);
                else result.complete(done.resultOrThrow());
            });
        });
        return result;
    }
}
