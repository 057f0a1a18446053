package dev.jasyncio;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS between a socket transport and an application protocol: asyncio's {@code SSLProtocol}. To
 * the socket's transport it is the protocol, receiving TLS records; to the application it
 * presents an {@link SslTransport}, carrying plain bytes. It runs the handshake (with a
 * deadline), encrypts what the application writes, decrypts what arrives, passes flow control
 * through in both directions, and closes with a close_notify exchange (with a deadline too).
 *
 * <p>The states are asyncio's: {@code UNWRAPPED} (before the handshake, and after the end),
 * {@code DO_HANDSHAKE}, {@code WRAPPED} (application data flows), {@code FLUSHING} (delivering
 * what is left before shutting down) and {@code SHUTDOWN} (close_notify sent, waiting for the
 * peer's). The application protocol sees asyncio's order: {@code connectionMade} once the
 * handshake succeeded (unless it already had it, for {@code startTls}), data, at most one
 * {@code eofReceived}, and exactly one {@code connectionLost}.
 *
 * <p>Callbacks into the application can call back into us (a {@code close()} from
 * {@code dataReceived}); such a nested call only marks that the state changed, and the outer
 * call runs the new state's step when the callback returns, so the engine's buffers are never
 * used by two steps at once.
 */
final class SslProtocol implements Protocol {
    private static final System.Logger LOG = System.getLogger("dev.jasyncio");
    /** asyncio's FLOW_CONTROL_HIGH_WATER_SSL_WRITE: the application pauses past this many buffered bytes. */
    static final int WRITE_HIGH_WATER = 512 * 1024;
    /** asyncio's FLOW_CONTROL_HIGH_WATER_SSL_READ: the socket stops reading past this many undecrypted bytes. */
    static final int READ_HIGH_WATER = 256 * 1024;
    /** asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
    private static final int WARN_AFTER_WRITES_WHEN_CLOSED = 5;

    enum State { UNWRAPPED, DO_HANDSHAKE, WRAPPED, FLUSHING, SHUTDOWN }

    private enum AppState { INIT, CON_MADE, EOF, CON_LOST }

    private final EventLoop loop;
    private final SslSettings settings;
    private final SslPipe pipe;
    private final SslTransport appTransport;
    private final Consumer<ByteBuffer> send = this::sendRecords;
    private Protocol app;
    private Future<Void> waiter;
    private Transport transport;            // the socket's, from connectionMade to connectionLost

    private State state = State.UNWRAPPED;
    private AppState appState;
    private boolean processing, again;      // see processIncoming()
    private boolean tasksRunning;           // the engine's delegated tasks run on the executor
    private boolean eofReceived;            // the socket read end of stream
    private boolean shutdownDone;
    private TimerHandle handshakeTimer, shutdownTimer;
    private double handshakeStart;

    // what the handshake established, for getExtraInfo
    private boolean handshaken;
    private Certificate[] peerCertificates;
    private String cipherSuite;

    // writing: plain bytes written during the handshake, and records held while the socket is paused
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private int backlogSize, heldSize;
    private boolean socketWritingPaused, appWritingPaused;
    private int writeHigh = WRITE_HIGH_WATER, writeLow = WRITE_HIGH_WATER / 4;
    private int connLost;

    // reading
    private boolean appReadingPaused, socketReadingPaused;

    /**
     * @param waiter             completed when the handshake succeeds, failed when it does not (or null)
     * @param callConnectionMade false for {@code startTls}: the application protocol already had its {@code connectionMade}
     * @param peerPort           the server's port, for session resumption (-1 if unknown)
     */
    SslProtocol(EventLoop loop, Protocol app, SslSettings settings, int peerPort, Future<Void> waiter, boolean callConnectionMade) {
        this.loop = loop;
        this.app = Objects.requireNonNull(app, "protocol");
        this.settings = settings;
        this.pipe = new SslPipe(settings.newEngine(peerPort));
        this.waiter = waiter;
        this.appState = callConnectionMade ? AppState.INIT : AppState.CON_MADE;
        this.appTransport = new SslTransport(this);
    }

    SslTransport appTransport() {
        return appTransport;
    }

    /**
     * Bytes that arrived before this protocol took over the socket but belong to the TLS stream:
     * what a streams reader buffered ahead of {@code startTls} (gh-142352). Call before
     * {@code connectionMade}.
     */
    void alreadyReceived(byte[] data) {
        pipe.received(ByteBuffer.wrap(data));
    }

    Protocol appProtocol() {
        return app;
    }

    void setAppProtocol(Protocol protocol) {
        app = Objects.requireNonNull(protocol, "protocol");
    }

    // ---- the socket transport's callbacks ----------------------------------------------------

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        startHandshake();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (state == State.UNWRAPPED) {
            data.position(data.limit()); // closed: nothing will read it
            return;
        }
        pipe.received(data);
        processIncoming();
    }

    /** The socket reached end of stream: asyncio's {@code eof_received}, by state. */
    @Override
    public boolean eofReceived() {
        eofReceived = true;
        if (loop.debug) LOG.log(Level.DEBUG, this + " received EOF");
        try {
            switch (state) {
                case DO_HANDSHAKE -> onHandshakeComplete(new SSLHandshakeException("Remote host terminated the handshake"));
                case WRAPPED -> {
                    state = State.FLUSHING;
                    if (appReadingPaused) return true; // delivered once reading resumes
                    processIncoming();
                }
                case FLUSHING -> {
                    state = State.SHUTDOWN;
                    processIncoming();
                }
                case SHUTDOWN -> processIncoming();
                case UNWRAPPED -> { }
            }
        } catch (RuntimeException | Error e) {
            transport.close();
            throw e;
        }
        return false;
    }

    @Override
    public void connectionLost(Throwable exc) {
        backlog.clear();
        held.clear();
        backlogSize = heldSize = 0;
        connLost++;
        appTransport.markClosed();
        if (appState == AppState.CON_MADE || appState == AppState.EOF) {
            appState = AppState.CON_LOST;
            Protocol p = app;
            loop.callSoon(() -> p.connectionLost(exc));
        }
        state = State.UNWRAPPED;
        transport = null;
        if (waiter != null) wakeUpWaiter(exc != null ? exc : new SocketException("Connection closed during the TLS handshake"));
        cancelTimers();
    }

    @Override
    public void pauseWriting() {
        socketWritingPaused = true;
    }

    @Override
    public void resumeWriting() {
        socketWritingPaused = false;
        while (!held.isEmpty() && !socketWritingPaused && transport != null) writeHeld();
        controlAppWriting();
    }

    // ---- stepping ------------------------------------------------------------------------------

    /**
     * Runs the current state's step over what has arrived. A call made while a step runs (from an
     * application callback) only asks the running one to go round again, in the state it left.
     */
    private void processIncoming() {
        if (processing) {
            again = true;
            return;
        }
        processing = true;
        try {
            do {
                again = false;
                switch (state) {
                    case DO_HANDSHAKE -> doHandshake();
                    case WRAPPED -> doRead();
                    case FLUSHING -> doFlush();
                    case SHUTDOWN -> doShutdown();
                    case UNWRAPPED -> { }
                }
            } while (again);
        } finally {
            processing = false;
        }
    }

    // ---- the handshake -----------------------------------------------------------------------

    private void startHandshake() {
        if (loop.debug) {
            LOG.log(Level.DEBUG, this + " starts SSL handshake");
            handshakeStart = loop.time();
        }
        state = State.DO_HANDSHAKE;
        handshakeTimer = timer(settings.handshakeTimeout(), this::checkHandshakeTimeout);
        try {
            pipe.engine.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            onHandshakeComplete(e);
            return;
        }
        processIncoming();
    }

    private void checkHandshakeTimeout() {
        if (state != State.DO_HANDSHAKE) return;
        onHandshakeComplete(new SocketTimeoutException("SSL handshake is taking longer than "
                + settings.handshakeTimeout() + " seconds: aborting the connection"));
    }

    private void doHandshake() {
        if (tasksRunning) return; // the engine is busy: what arrives waits in the pipe
        SslPipe.Handshake progress;
        try {
            progress = pipe.handshake(send);
        } catch (SSLException | RuntimeException e) {
            pipe.sendAlert(send);
            onHandshakeComplete(e);
            return;
        }
        switch (progress) {
            case DONE -> onHandshakeComplete(null);
            case NEED_TASKS -> runDelegatedTasks();
            case NEED_INPUT -> { }
        }
    }

    /**
     * Runs the engine's delegated tasks on the loop's executor, then goes on with the handshake.
     * They are the handshake's costly part (key exchange, signatures: milliseconds of CPU with
     * the JDK's providers), and a certificate check may even block on the network (revocation
     * checks, when enabled); off the loop, they neither stall other connections nor keep
     * concurrent handshakes on one core.
     */
    private void runDelegatedTasks() {
        tasksRunning = true;
        Runnable work = pipe.delegatedTasks();
        Future<Object> done = loop.runInExecutor(null, () -> {
            work.run();
            return null;
        });
        done.addDoneCallback(f -> {
            tasksRunning = false;
            if (state != State.DO_HANDSHAKE || f.cancelled()) return;
            if (f.exception() != null) onHandshakeComplete(f.exception()); // the executor refused it
            else processIncoming();
        });
    }

    private void onHandshakeComplete(Throwable failure) {
        if (handshakeTimer != null) handshakeTimer.cancel();
        handshakeTimer = null;
        if (failure != null) {
            state = State.UNWRAPPED;
            fatalError(failure, "SSL handshake failed");
            if (settings.serverSide() && appState == AppState.INIT && loop.debug) {
                // a server's client that failed its handshake: asyncio tells the handler in debug mode only
                loop.callExceptionHandler(new ErrorContext("Error on transport creation for incoming connection",
                        failure, null, null, null, this, null));
            }
            wakeUpWaiter(failure);
            return;
        }
        state = State.WRAPPED;
        SSLSession session = pipe.engine.getSession();
        handshaken = true;
        cipherSuite = session.getCipherSuite();
        try {
            peerCertificates = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            peerCertificates = null; // a client that sent no certificate
        }
        if (loop.debug) {
            LOG.log(Level.DEBUG, String.format("%s: SSL handshake took %.1f ms", this, (loop.time() - handshakeStart) * 1e3));
        }
        if (appState == AppState.INIT) {
            appState = AppState.CON_MADE;
            app.connectionMade(appTransport);
        }
        wakeUpWaiter(null);
        writeBacklog();
        processIncoming(); // application data that came with the last handshake message
    }

    private void wakeUpWaiter(Throwable exc) {
        Future<Void> w = waiter;
        if (w == null) return;
        waiter = null;
        if (w.done()) return; // cancelled
        if (exc == null) w.setResult(null);
        else w.setException(exc);
    }

    // ---- reading -----------------------------------------------------------------------------

    /** Decrypts and delivers what has arrived, while the application reads. */
    private void doRead() {
        while ((state == State.WRAPPED || state == State.FLUSHING) && !appReadingPaused) {
            SslPipe.Unwrapped r;
            try {
                r = pipe.unwrap(send);
            } catch (SSLException | RuntimeException e) {
                fatalError(e, "Fatal error on SSL protocol");
                return;
            }
            ByteBuffer data = pipe.decrypted();
            try {
                if (data.hasRemaining()) deliver(data);
            } catch (Throwable e) {
                fatalError(e, "Fatal error: protocol.dataReceived() call failed.");
                return;
            } finally {
                pipe.delivered();
            }
            if (r == SslPipe.Unwrapped.CLOSED) { // the peer's close_notify
                callEofReceived();
                startShutdown();
                return;
            }
            if (r == SslPipe.Unwrapped.NEED_INPUT || again) break;
        }
        controlSocketReading();
    }

    private void deliver(ByteBuffer data) {
        if (!(app instanceof BufferedProtocol buffered)) {
            app.dataReceived(data);
            return;
        }
        while (data.hasRemaining()) {
            ByteBuffer into = buffered.getBuffer(data.remaining());
            if (into == null || !into.hasRemaining()) throw new IllegalStateException("getBuffer() returned an empty buffer");
            int n = Math.min(into.remaining(), data.remaining());
            into.put(data.slice(data.position(), n));
            data.position(data.position() + n);
            buffered.bufferUpdated(n);
        }
    }

    private void callEofReceived() {
        if (appState != AppState.CON_MADE) return;
        appState = AppState.EOF;
        try {
            if (app.eofReceived()) LOG.log(Level.WARNING, "returning true from eofReceived() has no effect when using ssl");
        } catch (Throwable e) {
            fatalError(e, "Error calling eofReceived()");
        }
    }

    void pauseAppReading() {
        appReadingPaused = true;
    }

    void resumeAppReading() {
        if (!appReadingPaused) return;
        appReadingPaused = false;
        loop.callSoon(this::processIncoming);
    }

    boolean isAppReading() {
        return !appReadingPaused;
    }

    /** Stops the socket reading while too much is received and not decrypted (the application does not read). */
    private void controlSocketReading() {
        if (transport == null) return;
        int size = pipe.incomingSize();
        if (size >= READ_HIGH_WATER && !socketReadingPaused) {
            socketReadingPaused = true;
            transport.pauseReading();
        } else if (size <= READ_HIGH_WATER / 4 && socketReadingPaused) {
            socketReadingPaused = false;
            transport.resumeReading();
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    /** The application's {@code write}: encrypted and sent now, or kept until the handshake is done. */
    void writeAppData(ByteBuffer data) {
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED) {
            if (connLost >= WARN_AFTER_WRITES_WHEN_CLOSED) LOG.log(Level.WARNING, "SSL connection is closed");
            connLost++;
            return;
        }
        if (state == State.DO_HANDSHAKE) {
            int n = data.remaining();
            backlog.addLast(ByteBuffer.allocate(n).put(data).flip());
            backlogSize += n;
        } else {
            try {
                pipe.wrap(data, send);
            } catch (SSLException | RuntimeException e) {
                fatalError(e, "Fatal error on SSL protocol");
                return;
            }
        }
        controlAppWriting();
    }

    private void writeBacklog() {
        try {
            while (!backlog.isEmpty()) {
                ByteBuffer b = backlog.pollFirst();
                backlogSize -= b.remaining();
                pipe.wrap(b, send);
            }
        } catch (SSLException | RuntimeException e) {
            fatalError(e, "Fatal error on SSL protocol");
            return;
        }
        controlAppWriting();
    }

    /**
     * Where the engine's records go: to the socket transport, or, while it is paused (and not
     * shutting down), into {@code held}, behind what is held already.
     */
    private void sendRecords(ByteBuffer records) {
        if (transport == null) return; // lost: nothing can be sent
        boolean holding = socketWritingPaused && state != State.FLUSHING && state != State.SHUTDOWN;
        if (holding || !held.isEmpty()) {
            int n = records.remaining();
            held.addLast(ByteBuffer.allocate(n).put(records).flip());
            heldSize += n;
            if (!holding) releaseHeld();
            return;
        }
        transport.write(records);
    }

    private void writeHeld() {
        ByteBuffer b = held.pollFirst();
        heldSize -= b.remaining();
        transport.write(b);
    }

    /** Hands every held record to the socket transport, paused or not (it buffers them). */
    private void releaseHeld() {
        while (!held.isEmpty() && transport != null) writeHeld();
    }

    /**
     * Bytes written by the application and not yet handed to the socket's transport: asyncio's
     * measure, which the application's flow control follows. The socket's transport holds at
     * most about its own high-water mark more: past that it pauses us, and what we send then is
     * held here, and counted.
     */
    int writeBufferSize() {
        return backlogSize + heldSize;
    }

    void setWriteBufferLimits(int high, int low) {
        writeHigh = high;
        writeLow = low;
        controlAppWriting();
    }

    int writeHighWater() {
        return writeHigh;
    }

    int writeLowWater() {
        return writeLow;
    }

    private void controlAppWriting() {
        int size = writeBufferSize();
        if (size >= writeHigh && !appWritingPaused) {
            appWritingPaused = true;
            try {
                app.pauseWriting();
            } catch (Throwable e) {
                loop.callExceptionHandler(new ErrorContext("protocol.pauseWriting() failed", e, null, null, null, this, appTransport));
            }
        } else if (size <= writeLow && appWritingPaused) {
            appWritingPaused = false;
            try {
                app.resumeWriting();
            } catch (Throwable e) {
                loop.callExceptionHandler(new ErrorContext("protocol.resumeWriting() failed", e, null, null, null, this, appTransport));
            }
        }
    }

    // ---- closing -----------------------------------------------------------------------------

    /** The application closed its transport: deliver nothing more, send close_notify, wait for the peer's. */
    void startShutdown() {
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED) return;
        appTransport.markClosed();
        if (state == State.DO_HANDSHAKE) {
            abort(null);
            return;
        }
        state = State.FLUSHING;
        shutdownTimer = timer(settings.shutdownTimeout(), this::checkShutdownTimeout);
        processIncoming();
    }

    private void checkShutdownTimeout() {
        if ((state == State.FLUSHING || state == State.SHUTDOWN) && transport != null) {
            forceClose(transport, new TimeoutError("SSL shutdown timed out"));
        }
    }

    /** Delivers what is left (unless the application closed), then shuts down. */
    private void doFlush() {
        if (!appTransport.isClosing()) {
            doRead();
            if (again || state != State.FLUSHING) return;
            if (appReadingPaused && pipe.incomingSize() > 0) return; // resumeReading brings us back
        }
        state = State.SHUTDOWN;
        doShutdown();
    }

    /**
     * Sends what is held, then close_notify, and waits for the peer's, dropping what data still
     * arrives. After a socket end of stream nothing is awaited, nor is close_notify sent, as in
     * asyncio.
     */
    private void doShutdown() {
        if (shutdownDone) return;
        releaseHeld();
        try {
            if (!eofReceived) {
                if (!pipe.engine.isOutboundDone()) pipe.closeOutbound(send);
                while (!pipe.engine.isInboundDone()) {
                    SslPipe.Unwrapped r = pipe.unwrap(send);
                    pipe.delivered();
                    if (r == SslPipe.Unwrapped.NEED_INPUT) return; // the peer's close_notify has not come yet
                    if (r == SslPipe.Unwrapped.CLOSED) break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            onShutdownComplete(e);
            return;
        }
        callEofReceived();
        onShutdownComplete(null);
    }

    private void onShutdownComplete(Throwable failure) {
        shutdownDone = true;
        if (shutdownTimer != null) shutdownTimer.cancel();
        shutdownTimer = null;
        if (failure != null) {
            fatalError(failure, "Fatal error on SSL protocol");
        } else if (transport != null) {
            loop.callSoon(transport::close);
        }
    }

    /** Drops everything and closes the socket; {@code connectionLost(exc)} follows. */
    void abort(Throwable exc) {
        state = State.UNWRAPPED;
        if (transport != null) forceClose(transport, exc);
    }

    /** Closes {@code t} at once with {@code exc} as the reason its protocol is given (asyncio's {@code _force_close}). */
    static void forceClose(Transport t, Throwable exc) {
        if (t instanceof SelectorTransport s) s.forceClose(exc);
        else if (t instanceof SslTransport s) s.forceClose(exc);
        else t.abort();
    }

    /**
     * Closes the connection for {@code exc}. A socket or TLS error (an IOException) is the peer's
     * business and logged only in debug mode, as asyncio does; anything else is a bug and goes to
     * the exception handler.
     */
    private void fatalError(Throwable exc, String message) {
        Transport t = transport;
        if (t != null) forceClose(t, exc);
        if (exc instanceof IOException) {
            if (loop.debug) LOG.log(Level.DEBUG, this + ": " + message, exc);
        } else if (!(exc instanceof CancelledError)) {
            loop.callExceptionHandler(new ErrorContext(message, exc, null, null, null, this, t));
        }
    }

    private TimerHandle timer(double delay, Runnable check) {
        return Double.isInfinite(delay) ? null : loop.callLater(delay, check);
    }

    private void cancelTimers() {
        if (handshakeTimer != null) handshakeTimer.cancel();
        if (shutdownTimer != null) shutdownTimer.cancel();
        handshakeTimer = shutdownTimer = null;
    }

    // ---- information -------------------------------------------------------------------------

    /**
     * {@code sslcontext}; after the handshake {@code ssl_object} (the {@link javax.net.ssl.SSLEngine}),
     * {@code peercert} (the peer's certificate chain, or null if it sent none) and {@code cipher}
     * (the cipher suite's name); anything else from the socket's transport while it is open.
     */
    Object extraInfo(String name) {
        switch (name) {
            case "sslcontext" -> {
                return settings.context();
            }
            case "ssl_object" -> {
                return handshaken ? pipe.engine : null;
            }
            case "peercert" -> {
                return peerCertificates == null ? null : peerCertificates.clone();
            }
            case "cipher" -> {
                return cipherSuite;
            }
            default -> {
                Transport t = transport;
                return t == null ? null : t.getExtraInfo(name);
            }
        }
    }

    State state() {
        return state;
    }

    @Override
    public String toString() {
        return "<SslProtocol " + state + (settings.serverSide() ? " server" : " client") + ">";
    }
}
