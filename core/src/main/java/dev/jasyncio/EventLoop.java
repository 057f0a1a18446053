package dev.jasyncio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import dev.jasyncio.internal.Carrier;
import dev.jasyncio.internal.ReadyKeys;
import dev.jasyncio.internal.Throwables;

/**
 * asyncio's event loop: a FIFO ready queue, a timer heap and a selector, driven one iteration at
 * a time exactly like asyncio's {@code _run_once}.
 *
 * <p>The loop runs on the thread that calls {@link #runForever()} or {@link #runUntilComplete}:
 * that platform thread becomes the carrier of the loop's virtual threads. The loop's own logic
 * (running callbacks, moving timers) runs in one of them, the driver; each task is another. Only
 * {@link #callSoonThreadsafe} may be called from other threads while the loop runs.
 */
public class EventLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.jasyncio");
    private static final long ORIGIN = System.nanoTime();
    /** Errors unobserved at completion are reported once they stay unretrieved this long (loop time). */
    static final double UNRETRIEVED_GRACE = 1.0;

    private final Selector selector;
    private final ReadyKeys readyKeys = new ReadyKeys();
    private final Consumer<SelectionKey> processKey = key -> ((IoWatch) key.attachment()).ready(this);
    private ByteBuffer readBuffer, writeStaging;
    final Carrier carrier;
    private final ArrayDeque<Handle> ready = new ArrayDeque<>(256);
    private final TimerQueue timers = new TimerQueue();
    private final ConcurrentLinkedQueue<Handle> threadsafe = new ConcurrentLinkedQueue<>();
    private long timerSeq;

    private final boolean virtualClock;
    private double virtualNow;

    private volatile boolean running;
    private volatile boolean closed;
    private boolean stopping;
    private Future<?> mainFuture;         // what runUntilComplete waits for
    private boolean interrupted;          // the thread running the loop was interrupted
    private Throwable driverFailure;

    boolean debug;
    private double slowCallbackDuration = 0.1;
    final StallWatchdog watchdog = new StallWatchdog(this);
    private ExceptionHandler exceptionHandler;

    /** Tasks released by {@link #runReady} that have not run yet. */
    int resumed;
    /** Tasks between a resumption and their next await: running, or blocked in a JDK call. */
    int activeSteps;
    /** Jobs handed to an executor by {@link #runInExecutor} whose results have not come back. */
    private int executorJobs;

    private Task<?> pendingHead;          // every task not yet done, so none is ever lost
    private int pendingCount;
    private final ArrayDeque<Future<?>> unobserved = new ArrayDeque<>();  // failed with no callback
    private final ArrayDeque<Double> unobservedSince = new ArrayDeque<>();
    private final List<Future<?>> observedFailures = new ArrayList<>();   // failed, had callbacks
    private int observedCompactAt = 64;

    private ExecutorService defaultExecutor;

    public EventLoop() {
        this(RunOptions.defaults());
    }

    public EventLoop(RunOptions options) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        try {
            carrier = new Carrier(selector, readyKeys);
        } catch (RuntimeException e) {
            closeQuietly(selector);
            throw e;
        }
        virtualClock = options.isVirtualClock();
        debug = options.debug();
    }

    // ---- which loop is this thread in ------------------------------------------------------

    static EventLoop runningOrNull() {
        ThreadTag tag = ThreadTag.current();
        return tag == null ? null : tag.loop();
    }

    static EventLoop runningLoop(String what) {
        EventLoop loop = runningOrNull();
        if (loop == null) throw new IllegalStateException(what + ": no running event loop");
        return loop;
    }

    /** Raises when a method that is not thread-safe is called from outside the running loop. */
    void checkThread(String what) {
        if (running && !carrier.inCarrier()) {
            throw new IllegalStateException("Non-thread-safe operation " + what
                    + " invoked on an event loop other than the current one; use callSoonThreadsafe");
        }
    }

    private void checkClosed() {
        if (closed) throw new IllegalStateException("Event loop is closed");
    }

    // ---- running and stopping --------------------------------------------------------------

    /** Runs until {@link #stop()} is called. */
    public void runForever() {
        checkClosed();
        checkNotRunning();
        if (Thread.currentThread().isVirtual()) {
            runOnPlatformThread();
            return;
        }
        Thread driver = carrier.newThread(this::drive);
        driver.setName("jasyncio-loop");
        driver.setUncaughtExceptionHandler(driverTag);
        running = true;
        boolean watched = debug;
        if (watched) watchdog.start();
        try {
            carrier.carry(driver);
        } finally {
            running = false;
            stopping = false;
            if (watched) watchdog.stop();
            if (interrupted) {
                interrupted = false;
                Thread.currentThread().interrupt(); // the caller's to see
            }
        }
        Throwable failure = driverFailure;
        if (failure != null) {
            driverFailure = null;
            throw Throwables.sneaky(failure);
        }
    }

    private void checkNotRunning() {
        if (running) throw new IllegalStateException("This event loop is already running");
        if (runningOrNull() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running");
        }
    }

    /** A virtual thread cannot carry other virtual threads, so a platform thread runs the loop for it. */
    private void runOnPlatformThread() {
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("jasyncio-carrier").start(() -> {
            try {
                runForever();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callSoonThreadsafe(this::stop);
            throw new IllegalStateException("interrupted while the loop ran", e);
        }
        if (failure[0] != null) throw Throwables.sneaky(failure[0]);
    }

    /** Runs until {@code aw} (wrapped in a task unless it is a future) is done; returns its result. */
    public <T> T runUntilComplete(Awaitable<T> aw) throws Exception {
        checkClosed();
        checkNotRunning();
        Future<T> f = ensureFuture(aw);
        Consumer<Future<T>> stopper = done -> stop();
        f.addDoneCallback(stopper);
        mainFuture = f;
        try {
            runForever();
        } finally {
            f.removeDoneCallback(stopper);
            mainFuture = null;
        }
        if (!f.done()) throw new IllegalStateException("Event loop stopped before Future completed.");
        if (f.cancelled() && Thread.interrupted()) {
            // asyncio's Runner turns the cancel it made for Ctrl-C back into KeyboardInterrupt
            InterruptedException e = new InterruptedException("the thread running the event loop was interrupted");
            e.initCause(f.makeCancelledError());
            throw e;
        }
        return f.result();
    }

    /** asyncio's ensure_future: a future of this loop is used as is; anything else runs as a task. */
    <T> Future<T> ensureFuture(Awaitable<T> aw) {
        Objects.requireNonNull(aw, "awaitable");
        if (aw instanceof Future<T> f) {
            if (f.loop != this) throw new IllegalArgumentException("The future belongs to a different loop than the one specified");
            return f;
        }
        return createTask(aw);
    }

    /** Stops after the current iteration; callbacks already scheduled run first. */
    public void stop() {
        stopping = true;
        carrier.poke();
    }

    public boolean isRunning() {
        return running;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the loop: drops pending callbacks, reports tasks still pending and exceptions never
     * retrieved, shuts the default executor down without waiting. Idempotent.
     */
    @Override
    public void close() {
        if (running) throw new IllegalStateException("Cannot close a running event loop");
        if (closed) return;
        closed = true;
        ready.clear();
        timers.clear();
        threadsafe.clear();
        for (Task<?> t : pendingTasks()) {
            callExceptionHandler(ErrorContext.ofFuture("Task was destroyed but it is pending!", null, t));
        }
        reportUnretrieved(Double.POSITIVE_INFINITY);
        carrier.discard();
        if (defaultExecutor != null) defaultExecutor.shutdown();
        closeChannels();
        closeQuietly(selector);
    }

    /**
     * Closes the channels of transports and servers nobody closed: asyncio leaves them to the
     * garbage collector, which in Java would leak their descriptors. Channels given to addReader
     * or addWriter are their owner's to close.
     */
    private void closeChannels() {
        for (SelectionKey k : selector.keys()) {
            if (!(k.attachment() instanceof IoWatch w) || !w.owned()) continue;
            try {
                k.channel().close();
            } catch (IOException ignored) {
                // closing is all we can do
            }
        }
    }

    private static void closeQuietly(Selector s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing useful to do: the loop is going away
        }
    }

    // ---- one iteration -----------------------------------------------------------------------

    /** Marks the driver thread as this loop's, outside any task. */
    private final ThreadTag driverTag = new ThreadTag() {
        @Override
        public EventLoop loop() {
            return EventLoop.this;
        }

        @Override
        public Task<?> task() {
            return null;
        }
    };

    private void drive() {
        try {
            do {
                runOnce();
            } while (!stopping);
        } catch (Throwable t) {
            driverFailure = t;
        }
    }

    /**
     * asyncio's {@code _run_once}: poll I/O (without blocking if anything is ready), move due
     * timers to the ready queue, then run exactly the handles that are ready now; handles added
     * meanwhile wait for the next iteration.
     */
    private void runOnce() {
        carrier.clearDriverWake();
        if (carrier.takeInterrupt()) onInterrupt();
        boolean busy = !ready.isEmpty() || stopping || !threadsafe.isEmpty();
        TimerHandle next = timers.peek();
        if (busy) {
            pollIoNow();
        } else if (next == null) {
            carrier.awaitIo(Long.MAX_VALUE);
        } else if (virtualClock) {
            advanceVirtualClock(next.when);
        } else {
            double wait = next.when - time();
            if (wait <= 0) pollIoNow();
            else carrier.awaitIo(System.nanoTime() + (long) Math.min(wait * 1e9, Long.MAX_VALUE / 4));
        }
        drainThreadsafe();
        readyKeys.drain(processKey);
        double end = time();
        while ((next = timers.peek()) != null && next.when <= end) {
            timers.poll();
            ready.addLast(next);
        }
        runReady(ready.size());
    }

    /**
     * The virtual clock jumps to the next timer when nothing else can happen. While work outside
     * the loop is in flight (a task blocked in a JDK call, an executor job), jumping could make a
     * timeout fire before work that would really have finished first, and that work may itself
     * wait for a timer; so then virtual time runs at real speed until the timer is due.
     */
    private void advanceVirtualClock(double due) {
        if (activeSteps == 0 && executorJobs == 0 && carrier.quiescent()) {
            pollIoNow();
            if (readyKeys.isEmpty()) virtualNow = Math.max(virtualNow, due);
            return;
        }
        double wait = due - virtualNow;
        long start = System.nanoTime();
        if (wait > 0) carrier.awaitIo(start + (long) Math.min(wait * 1e9, Long.MAX_VALUE / 4));
        double elapsed = (System.nanoTime() - start) / 1e9;
        virtualNow = elapsed >= wait ? Math.max(virtualNow, due) : virtualNow + elapsed;
    }

    private void pollIoNow() {
        if (selector.keys().isEmpty()) return;
        try {
            selector.selectNow(readyKeys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void drainThreadsafe() {
        Handle h;
        while ((h = threadsafe.poll()) != null) ready.addLast(h);
    }

    /**
     * Runs {@code n} ready handles in order. A task step only unparks the task's thread; the
     * driver then yields so released tasks run, in order, before the next callback. Consecutive
     * task steps are released together and share one yield.
     */
    private void runReady(int n) {
        for (int i = 0; i < n; i++) {
            Handle h = ready.pollFirst();
            if (resumed > 0 && (!h.resumesTask() || resumed == RELEASE_BATCH)) letTasksRun();
            if (h.cancelled) continue; // checked after the released tasks ran: they may have cancelled it
            runHandle(h);
        }
        if (resumed > 0) letTasksRun();
    }

    /**
     * At most this many task steps are released before the driver yields to them. The order is
     * the same either way; a bound keeps the threads of many new tasks (a large gather) from all
     * existing at once.
     */
    private static final int RELEASE_BATCH = 64;

    private void letTasksRun() {
        resumed = 0;
        Thread.yield();
    }

    private void runHandle(Handle h) {
        if (h.resumesTask()) {
            h.invoke();
            return;
        }
        boolean timed = debug;
        long start = timed ? System.nanoTime() : 0;
        if (timed) watchdog.begin(h);
        try {
            h.invoke();
        } catch (Throwable e) {
            callExceptionHandler(ErrorContext.ofHandle("Exception in callback " + h, e, h));
        }
        if (timed) stepEnded(h, System.nanoTime() - start);
    }

    /** Debug mode: a callback or task step has ended after {@code nanos}; asyncio's slow-callback warning. */
    void stepEnded(Object step, long nanos) {
        watchdog.end();
        double took = nanos / 1e9;
        if (took >= slowCallbackDuration) {
            LOG.log(Level.WARNING, String.format("Executing %s took %.3f seconds", step, took));
        }
    }

    /**
     * The thread running the loop was interrupted (a JUnit timeout, an executor's shutdownNow):
     * like Ctrl-C under asyncio's runner, it cancels what {@link #runUntilComplete} waits for, which
     * then throws InterruptedException; {@link #runForever} stops. Either way the interrupt status
     * is set again when the loop returns, unless InterruptedException reports it.
     */
    private void onInterrupt() {
        interrupted = true;
        if (mainFuture != null && !mainFuture.done()) mainFuture.cancel();
        else stop();
    }

    // ---- scheduling ----------------------------------------------------------------------------

    /** Schedules {@code callback} to run in the next iteration, after those already scheduled. */
    public Handle callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        Handle h = new Handle(callback);
        enqueue(h);
        return h;
    }

    void enqueue(Handle h) {
        checkClosed();
        checkThread("callSoon()");
        ready.addLast(h);
        carrier.poke();
    }

    /** Schedules a future's done-callback; a task's wakeup is scheduled as the task's own step. */
    <T> void scheduleCallback(Consumer<? super Future<T>> cb, Future<T> f) {
        if (cb instanceof Handle step) enqueue(step);
        else enqueue(new CallbackHandle<>(cb, f));
    }

    /** A done-callback bound to its future: one object per scheduled callback. */
    private static final class CallbackHandle<T> extends Handle {
        private final Consumer<? super Future<T>> cb;
        private final Future<T> future;

        CallbackHandle(Consumer<? super Future<T>> cb, Future<T> future) {
            super(null);
            this.cb = cb;
            this.future = future;
        }

        @Override
        void invoke() {
            if (!cancelled) cb.accept(future);
        }

        @Override
        public String toString() {
            return cancelled ? "<Handle cancelled>" : "<Handle " + describe(cb) + "(" + future + ")>";
        }
    }

    /** The only method that is safe to call from any thread; wakes the loop if it sleeps. */
    public Handle callSoonThreadsafe(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        Handle h = new Handle(callback);
        threadsafe.add(h);
        carrier.wakeDriver();
        return h;
    }

    public TimerHandle callLater(double delay, Runnable callback) {
        if (Double.isNaN(delay)) throw new IllegalArgumentException("delay must not be NaN");
        return callAt(time() + delay, callback);
    }

    public TimerHandle callAt(double when, Runnable callback) {
        if (Double.isNaN(when)) throw new IllegalArgumentException("when must not be NaN");
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("callAt()");
        TimerHandle h = new TimerHandle(this, when, timerSeq++, callback);
        timers.add(h);
        carrier.poke();
        return h;
    }

    void timerCancelled(TimerHandle h) {
        timers.remove(h);
    }

    /** How many timers are scheduled (cancelled ones leave at once). */
    int scheduledTimers() {
        return timers.size();
    }

    /** Seconds on the loop's monotonic clock (virtual time under the virtual clock). */
    public double time() {
        return virtualClock ? virtualNow : (System.nanoTime() - ORIGIN) / 1e9;
    }

    // ---- I/O -------------------------------------------------------------------------------------

    /** Runs {@code callback} whenever {@code ch} (non-blocking) is readable, or can accept; replaces an earlier reader. */
    public Handle addReader(SelectableChannel ch, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("addReader()");
        Handle h = new Handle(callback);
        IoWatch watch = IoWatch.of(this, ch);
        cancel(watch.reader());
        watch.setReader(h);
        return h;
    }

    /** Stops watching {@code ch} for reading; true if a reader was set. */
    public boolean removeReader(SelectableChannel ch) {
        checkThread("removeReader()");
        SelectionKey k = ch.keyFor(selector);
        if (k == null) return false;
        IoWatch watch = (IoWatch) k.attachment();
        cancel(watch.reader());
        boolean had = watch.clearReader();
        release(watch);
        return had;
    }

    /** Runs {@code callback} whenever {@code ch} is writable (or, while it connects, connected). */
    public Handle addWriter(SelectableChannel ch, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("addWriter()");
        Handle h = new Handle(callback);
        IoWatch watch = IoWatch.of(this, ch);
        cancel(watch.writer());
        watch.setWriter(h);
        return h;
    }

    public boolean removeWriter(SelectableChannel ch) {
        checkThread("removeWriter()");
        SelectionKey k = ch.keyFor(selector);
        if (k == null) return false;
        IoWatch watch = (IoWatch) k.attachment();
        cancel(watch.writer());
        boolean had = watch.clearWriter();
        release(watch);
        return had;
    }

    /**
     * A caller's channel with nothing left to watch leaves the selector at once, so that its
     * owner's close() takes effect at once (the JDK defers it while the channel is registered).
     */
    private void release(IoWatch watch) {
        if (watch.releaseIfIdle()) flushCancelledKeys();
    }

    /**
     * Cancels the callback being replaced or removed, as asyncio does: the poll of this iteration
     * may already have queued it, and it must not run once its owner has taken it away.
     */
    private static void cancel(Handle h) {
        if (h != null) h.cancel();
    }

    /** The key of {@code ch} in this loop's selector, registered (with no interest yet) on first use. */
    SelectionKey keyFor(SelectableChannel ch) {
        Objects.requireNonNull(ch, "channel");
        SelectionKey k = ch.keyFor(selector);
        if (k != null && k.isValid()) return k;
        if (k != null) flushCancelledKeys(); // released by removeReader/removeWriter, not yet deregistered
        if (ch.isBlocking()) throw new IllegalArgumentException("the channel must be in non-blocking mode: " + ch);
        try {
            k = ch.register(selector, 0);
        } catch (ClosedChannelException e) {
            throw new IllegalArgumentException("the channel is closed: " + ch, e);
        }
        k.attach(new IoWatch(k));
        return k;
    }

    // ---- connections and servers ------------------------------------------------------------------

    /**
     * The addresses of {@code host} (asyncio's {@code getaddrinfo}): a numeric address at once, a
     * name resolved on the executor, off the loop. Call it from a task.
     */
    public List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        Objects.requireNonNull(host, "host");
        return Sockets.resolve(this, host, port);
    }

    /** Connects to {@code host:port} and wraps the socket in a transport with a protocol from {@code factory}. */
    public TransportAndProtocol createConnection(Supplier<? extends Protocol> factory, String host, int port) throws IOException {
        return createConnection(factory, host, port, ConnectOptions.defaults());
    }

    /**
     * asyncio's {@code create_connection}: resolves {@code host} off the loop, tries its addresses
     * in turn, and returns once the protocol's {@code connectionMade} has run. Call it from a task.
     *
     * <p>With {@link ConnectOptions#ssl()}, the connection is TLS: the returned transport carries
     * plain bytes, {@code connectionMade} runs once the handshake has succeeded, and a failed
     * handshake throws its {@link javax.net.ssl.SSLException} ({@link
     * javax.net.ssl.SSLHandshakeException} for a certificate that is not trusted or not issued for
     * the server's name; {@link java.net.SocketTimeoutException} past the handshake timeout), with
     * the socket closed.
     *
     * @throws IllegalArgumentException for TLS options without {@code ssl}, as asyncio
     */
    public TransportAndProtocol createConnection(Supplier<? extends Protocol> factory, String host, int port,
                                                 ConnectOptions options) throws IOException {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(host, "host");
        checkThread("createConnection()");
        SslSettings tls = options.tls(host);
        List<InetSocketAddress> addresses = Sockets.resolve(this, host, port);
        return Connections.connected(this, Sockets.connect(this, addresses, options.localAddr()), factory, tls, port);
    }

    /** {@link #createConnection} to a Unix domain socket. */
    public TransportAndProtocol createUnixConnection(Supplier<? extends Protocol> factory, Path path) throws IOException {
        return createUnixConnection(factory, path, ConnectOptions.defaults());
    }

    /**
     * {@link #createConnection} to a Unix domain socket, over TLS with {@link ConnectOptions#ssl()}
     * (which then needs a {@link ConnectOptions#serverHostname()}: "" checks no name).
     */
    public TransportAndProtocol createUnixConnection(Supplier<? extends Protocol> factory, Path path,
                                                     ConnectOptions options) throws IOException {
        Objects.requireNonNull(factory, "factory");
        checkThread("createUnixConnection()");
        SslSettings tls = options.tls(null);
        return Connections.connected(this, Sockets.connect(this, List.of(UnixDomainSocketAddress.of(path)), null), factory, tls, -1);
    }

    /** Listens on {@code host:port} (null or "": every interface; port 0: any free port). */
    public Server createServer(Supplier<? extends Protocol> factory, String host, int port) throws IOException {
        return createServer(factory, host, port, ServerOptions.defaults());
    }

    /**
     * asyncio's {@code create_server}: a listening socket for each address of {@code host}; each
     * accepted connection gets a transport and a protocol from {@code factory}. With {@link
     * ServerOptions#ssl()}, each connection is TLS and its protocol's {@code connectionMade} runs
     * once the handshake has succeeded; as in asyncio, a client whose handshake fails never
     * reaches the protocol (it is logged at debug level only).
     */
    public Server createServer(Supplier<? extends Protocol> factory, String host, int port, ServerOptions options) throws IOException {
        Objects.requireNonNull(factory, "factory");
        checkThread("createServer()");
        Supplier<? extends Protocol> perConnection = Connections.overTls(this, factory, options.tls());
        List<? extends SocketAddress> addresses = host == null || host.isEmpty()
                ? List.of(Sockets.everyInterface(port)) : Sockets.resolve(this, host, port);
        return Connections.serve(this, Sockets.listen(addresses, options), perConnection, options);
    }

    /** Listens on a Unix domain socket at {@code path}, replacing a stale socket file; the file is removed on close. */
    public Server createUnixServer(Supplier<? extends Protocol> factory, Path path, ServerOptions options) throws IOException {
        Objects.requireNonNull(factory, "factory");
        checkThread("createUnixServer()");
        Supplier<? extends Protocol> perConnection = Connections.overTls(this, factory, options.tls());
        Sockets.removeStaleSocket(path);
        return Connections.serve(this, Sockets.listen(List.of(UnixDomainSocketAddress.of(path)), options), perConnection, options);
    }

    /**
     * {@link #startTls(Transport, Protocol, SSLContext, boolean, String, double, double)} with
     * asyncio's timeouts: 60 seconds for the handshake, 30 for the shutdown.
     */
    public Transport startTls(Transport transport, Protocol protocol, SSLContext sslcontext, boolean serverSide,
                              String serverHostname) throws IOException {
        return startTls(transport, protocol, sslcontext, serverSide, serverHostname,
                SslSettings.HANDSHAKE_TIMEOUT, SslSettings.SHUTDOWN_TIMEOUT);
    }

    /**
     * asyncio's {@code loop.start_tls}: upgrades an open connection to TLS in place. From now on
     * {@code transport} carries TLS records for a new TLS layer, and {@code protocol} must use the
     * returned transport, which carries plain bytes; {@code protocol} gets no second {@code
     * connectionMade}, and exactly one {@code connectionLost} when the connection ends. Call it
     * from a task: it returns once the handshake has succeeded. If the handshake fails (or the
     * task is cancelled meanwhile), the connection is closed and the error is thrown: an {@link
     * javax.net.ssl.SSLException}, or {@link java.net.SocketTimeoutException} past {@code
     * handshakeTimeout}.
     *
     * <p>Nothing may be written to {@code transport} itself after this call.
     *
     * @param serverSide       true to act as the TLS server
     * @param serverHostname   on the client side, the name sent as SNI and checked against the
     *                         server's certificate; null: the peer's IP address; "" checks no name.
     *                         Must be null on the server side
     * @param handshakeTimeout seconds the handshake may take; {@code shutdownTimeout}: seconds a
     *                         close waits for the peer's close_notify (both {@code > 0}; infinity: no limit)
     * @throws IllegalStateException    if {@code transport} is closing, or not called from a task
     * @throws IllegalArgumentException for a bad timeout or server name
     */
    public Transport startTls(Transport transport, Protocol protocol, SSLContext sslcontext, boolean serverSide,
                              String serverHostname, double handshakeTimeout, double shutdownTimeout) throws IOException {
        return startTls(transport, protocol, sslcontext, null, serverSide, serverHostname, handshakeTimeout, shutdownTimeout);
    }

    /**
     * {@link #startTls(Transport, Protocol, SSLContext, boolean, String, double, double)} with
     * {@code sslParameters} set on the TLS engine first (null: the context's defaults), for what
     * an asyncio caller sets on its {@code ssl.SSLContext}: a required client certificate, ALPN.
     * A {@code serverHostname} is checked whatever they say.
     */
    public Transport startTls(Transport transport, Protocol protocol, SSLContext sslcontext, SSLParameters sslParameters,
                              boolean serverSide, String serverHostname, double handshakeTimeout,
                              double shutdownTimeout) throws IOException {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
        checkThread("startTls()");
        Task.currentOrThrow("startTls()");
        if (transport.isClosing()) throw new IllegalStateException("startTls(): transport " + transport + " is closing");
        String name = serverSide || serverHostname != null ? serverHostname : Connections.peerAddress(transport);
        SslSettings tls = new SslSettings(sslcontext, serverSide, name, handshakeTimeout, shutdownTimeout, sslParameters);
        Future<Void> waiter = createFuture();
        return Connections.upgradeToTls(this, transport, new SslProtocol(this, protocol, tls, Connections.peerPort(transport), waiter, false), waiter);
    }

    /**
     * asyncio's {@code create_datagram_endpoint}: a UDP socket bound to {@code localAddr} (null:
     * any port) and, if {@code remoteAddr} is given, connected to it. Either may name a host,
     * which is resolved off the loop. Call it from a task.
     */
    public DatagramEndpoint createDatagramEndpoint(Supplier<? extends DatagramProtocol> factory,
                                                   SocketAddress localAddr, SocketAddress remoteAddr) throws IOException {
        Objects.requireNonNull(factory, "factory");
        checkThread("createDatagramEndpoint()");
        if (localAddr == null && remoteAddr == null) throw new IllegalArgumentException("a local or a remote address is required");
        SocketAddress local = Sockets.resolveOne(this, localAddr), remote = Sockets.resolveOne(this, remoteAddr);
        DatagramChannel ch = Sockets.datagram(local, remote);
        DatagramProtocol protocol = Connections.newProtocol(ch, factory);
        DatagramTransport transport = Connections.madeTransport(this, ch, waiter -> new UdpTransport(this, ch, protocol, remote, waiter));
        return new DatagramEndpoint(transport, protocol);
    }

    /**
     * Closes a channel registered with this loop's selector now. The JDK defers closing the socket
     * of a registered non-blocking channel until the selector deregisters it at its next select;
     * until then a listening socket still completes handshakes (which it later resets) and a
     * connection sends no FIN. A select right away releases it, as asyncio's close does.
     */
    void closeChannel(SelectableChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
        if (!closed) flushCancelledKeys();
    }

    /** A select deregisters cancelled keys (what it finds ready is processed next iteration). */
    private void flushCancelledKeys() {
        try {
            selector.selectNow(readyKeys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Queues an I/O callback for this iteration (asyncio's {@code _add_callback}). */
    void addReady(Handle h) {
        ready.addLast(h);
    }

    /**
     * The loop's receive buffer: transports read into it and hand it to their protocol, which
     * must copy what it keeps. One per loop, as only one callback runs at a time.
     */
    ByteBuffer readBuffer() {
        ByteBuffer b = readBuffer;
        if (b == null) readBuffer = b = ByteBuffer.allocateDirect(256 * 1024);
        return b.clear();
    }

    /**
     * For sending a small heap buffer: a direct buffer holding a copy of its remaining bytes, or
     * null when {@code data} is direct or larger than 64 KiB (then the JDK's own path is as good).
     * The JDK would copy a heap buffer into a temporary direct buffer of its own, found through a
     * carrier-thread-local cache twice per write; the loop keeps one.
     */
    ByteBuffer staged(ByteBuffer data) {
        int n = data.remaining();
        if (data.isDirect() || n > STAGING) return null;
        ByteBuffer b = writeStaging;
        if (b == null) writeStaging = b = ByteBuffer.allocateDirect(STAGING);
        return b.clear().put(0, data, data.position(), n).limit(n);
    }

    private static final int STAGING = 64 * 1024;

    // ---- futures and tasks -------------------------------------------------------------------

    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    public <T> Task<T> createTask(Awaitable<T> coro) {
        return createTask(coro, null);
    }

    /** Wraps {@code coro} in a task whose first step runs in the next iteration. */
    public <T> Task<T> createTask(Awaitable<T> coro, String name) {
        Objects.requireNonNull(coro, "coro");
        return newTask(coro, name);
    }

    public Task<Void> createTask(AsyncRunnable coro) {
        return createTask(coro, null);
    }

    public Task<Void> createTask(AsyncRunnable coro, String name) {
        Objects.requireNonNull(coro, "coro");
        return newTask(coro, name);
    }

    private <T> Task<T> newTask(Object coro, String name) {
        checkClosed();
        checkThread("createTask()");
        Task<T> t = new Task<>(this, coro, name);
        linkPending(t);
        enqueue(t.firstStep());
        return t;
    }

    private void linkPending(Task<?> t) {
        t.nextPending = pendingHead;
        if (pendingHead != null) pendingHead.prevPending = t;
        pendingHead = t;
        pendingCount++;
    }

    void taskDone(Task<?> t) {
        if (t.prevPending != null) t.prevPending.nextPending = t.nextPending;
        else pendingHead = t.nextPending;
        if (t.nextPending != null) t.nextPending.prevPending = t.prevPending;
        t.prevPending = t.nextPending = null;
        pendingCount--;
    }

    /** Every task of this loop that is not done yet, oldest first. */
    Set<Task<?>> pendingTasks() {
        List<Task<?>> newestFirst = new ArrayList<>(pendingCount);
        for (Task<?> t = pendingHead; t != null; t = t.nextPending) newestFirst.add(t);
        Set<Task<?>> result = new LinkedHashSet<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) result.add(newestFirst.get(i));
        return result;
    }

    // ---- executors -----------------------------------------------------------------------------

    /**
     * Runs {@code job} on {@code executor} (null: the loop's default pool of platform threads, never
     * the loop itself) and returns a future of its result. Cancelling the future interrupts the job.
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> job) {
        Objects.requireNonNull(job, "job");
        checkClosed();
        checkThread("runInExecutor()");
        Future<T> f = createFuture();
        FutureTask<T> work = new FutureTask<>(job) {
            @Override
            protected void done() {
                try {
                    callSoonThreadsafe(() -> {
                        executorJobs--;
                        if (!f.done()) copyOutcome(this, f);
                    });
                } catch (IllegalStateException closedMeanwhile) {
                    // the loop closed while the job ran: nobody can receive the result
                }
            }
        };
        f.addDoneCallback(done -> {
            if (done.cancelled()) work.cancel(true);
        });
        executorJobs++;
        try {
            (executor != null ? executor : defaultExecutor()).execute(work);
        } catch (RejectedExecutionException e) {
            executorJobs--;
            f.setException(e);
        }
        return f;
    }

    private static <T> void copyOutcome(FutureTask<T> work, Future<T> f) {
        try {
            f.setResult(work.get());
        } catch (java.util.concurrent.ExecutionException e) {
            f.setException(e.getCause());
        } catch (java.util.concurrent.CancellationException e) {
            f.cancel();
        } catch (InterruptedException e) {
            throw new AssertionError("a done FutureTask does not block", e);
        }
    }

    private synchronized ExecutorService defaultExecutor() {
        if (defaultExecutor == null) {
            int workers = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
            ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(),
                    Thread.ofPlatform().daemon(true).name("jasyncio-executor-", 0).factory());
            pool.allowCoreThreadTimeOut(true);
            defaultExecutor = pool;
        }
        return defaultExecutor;
    }

    /**
     * Shuts the default executor down and waits, off the loop, for its threads to finish
     * (asyncio's {@code shutdown_default_executor}). Call it from a task.
     */
    public void shutdownDefaultExecutor() throws Exception {
        ExecutorService pool;
        synchronized (this) {
            pool = defaultExecutor;
        }
        if (pool == null) return;
        pool.shutdown();
        Future<Boolean> finished = createFuture();
        executorJobs++;
        Thread.ofPlatform().daemon(true).name("jasyncio-executor-shutdown").start(() -> {
            boolean ok;
            try {
                ok = pool.awaitTermination(300, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                ok = false;
            }
            boolean result = ok;
            callSoonThreadsafe(() -> {
                executorJobs--;
                finished.setResult(result);
            });
        });
        if (!finished.await()) {
            LOG.log(Level.WARNING, "The default executor did not finish joining its threads within 300 seconds.");
        }
    }

    // ---- errors ----------------------------------------------------------------------------------

    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /** Hands {@code ctx} to the custom handler, or the default one; never throws. */
    public void callExceptionHandler(ErrorContext ctx) {
        ExceptionHandler handler = exceptionHandler;
        if (handler == null) {
            try {
                defaultExceptionHandler(ctx);
            } catch (Throwable e) {
                LOG.log(Level.ERROR, "Exception in default exception handler", e);
            }
            return;
        }
        try {
            handler.handle(this, ctx);
        } catch (Throwable e) {
            try {
                defaultExceptionHandler(new ErrorContext("Unhandled error in exception handler (context: "
                        + ctx.message() + ")", e, ctx.future(), ctx.task(), ctx.handle(), ctx.protocol(), ctx.transport()));
            } catch (Throwable again) {
                LOG.log(Level.ERROR, "Exception in default exception handler while handling an unexpected error in custom exception handler", again);
            }
        }
    }

    /** Logs {@code ctx} through {@link System.Logger} ("dev.jasyncio") at ERROR, with the stack. */
    public void defaultExceptionHandler(ErrorContext ctx) {
        StringBuilder sb = new StringBuilder(ctx.message() == null ? "Unhandled exception in event loop" : ctx.message());
        if (ctx.task() != null) sb.append("\ntask: ").append(ctx.task());
        else if (ctx.future() != null) sb.append("\nfuture: ").append(ctx.future());
        if (ctx.handle() != null) sb.append("\nhandle: ").append(ctx.handle());
        if (ctx.protocol() != null) sb.append("\nprotocol: ").append(ctx.protocol());
        if (ctx.transport() != null) sb.append("\ntransport: ").append(ctx.transport());
        LOG.log(Level.ERROR, sb.toString(), ctx.exception());
    }

    /** Called when a future fails; {@code observed}: it had a done-callback at that moment. */
    void unretrieved(Future<?> f, boolean observed) {
        if (closed) {
            reportIfUnretrieved(f); // nobody can look at it any more
        } else if (observed) {
            observedFailures.add(f);
            if (observedFailures.size() >= observedCompactAt) {
                observedFailures.removeIf(x -> !x.logTraceback);
                observedCompactAt = Math.max(64, observedFailures.size() * 2);
            }
        } else {
            if (unobserved.isEmpty()) callAt(time() + UNRETRIEVED_GRACE, this::sweepUnobserved);
            unobserved.addLast(f);
            unobservedSince.addLast(time());
        }
    }

    /** A timer: report what has been unobserved for the grace period, then wait for the next one. */
    private void sweepUnobserved() {
        reportUnretrieved(time() - UNRETRIEVED_GRACE);
        if (!unobserved.isEmpty()) callAt(unobservedSince.peekFirst() + UNRETRIEVED_GRACE, this::sweepUnobserved);
    }

    /** Reports unobserved failures that completed before {@code cutoff}; at close, everything. */
    private void reportUnretrieved(double cutoff) {
        while (!unobserved.isEmpty() && unobservedSince.peekFirst() <= cutoff) {
            unobservedSince.pollFirst();
            reportIfUnretrieved(unobserved.pollFirst());
        }
        if (cutoff == Double.POSITIVE_INFINITY) {
            for (Future<?> f : observedFailures) reportIfUnretrieved(f);
            observedFailures.clear();
        }
    }

    private void reportIfUnretrieved(Future<?> f) {
        if (!f.logTraceback) return;
        f.logTraceback = false;
        String what = f instanceof Task<?> ? "Task" : "Future";
        Throwable e = f.exceptionForReport();
        callExceptionHandler(ErrorContext.ofFuture(what + " exception was never retrieved", e, f));
    }

    // ---- debug -------------------------------------------------------------------------------------

    public void setDebug(boolean enabled) {
        debug = enabled;
    }

    public boolean getDebug() {
        return debug;
    }

    /** Callbacks and task steps taking at least this long are logged in debug mode (default 0.1 s). */
    public void setSlowCallbackDuration(double seconds) {
        if (!(seconds >= 0)) throw new IllegalArgumentException("duration must be >= 0: " + seconds);
        slowCallbackDuration = seconds;
    }

    public double getSlowCallbackDuration() {
        return slowCallbackDuration;
    }

    @Override
    public String toString() {
        return "<EventLoop running=" + running + " closed=" + closed + " debug=" + debug + ">";
    }
}
