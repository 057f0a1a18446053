package dev.jasyncio;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The protocol under the streams API (asyncio's {@code StreamReaderProtocol} with its
 * {@code FlowControlMixin}): it feeds a {@link StreamReader}, lets {@link StreamWriter#drain()}
 * wait while the transport's buffer is over its high-water mark, and, on a server, runs the
 * connection's handler in a task of its own.
 */
final class StreamProtocol implements Protocol {
    private final EventLoop loop;
    private StreamReader reader;
    private final ClientConnected handler;
    private Transport transport;
    private final Future<Void> closed;

    private boolean paused;             // the transport asked us to stop writing
    private boolean connectionLost;
    private final ArrayDeque<Future<Void>> drainWaiters = new ArrayDeque<>();

    StreamProtocol(EventLoop loop, StreamReader reader, ClientConnected handler) {
        this.loop = loop;
        this.reader = reader;
        this.handler = handler;
        this.closed = loop.createFuture();
    }

    /**
     * A connection on the streams API: a reader with {@code limit} over what {@code connect} opens
     * to {@code host} (null for a Unix socket), the name a later {@code startTls} checks by default.
     */
    static Connection open(EventLoop loop, int limit, String host, Connector connect) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamProtocol protocol = new StreamProtocol(loop, reader, null);
        Transport transport = connect.open(() -> protocol).transport();
        return new Connection(reader, new StreamWriter(transport, protocol, reader, host));
    }

    /** What a streams server makes for each connection: a protocol with a fresh reader, running {@code handler}. */
    static java.util.function.Supplier<Protocol> serving(EventLoop loop, ClientConnected handler, int limit) {
        Objects.requireNonNull(handler, "handler");
        return () -> new StreamProtocol(loop, new StreamReader(limit), handler);
    }

    /** How {@link #open} connects: a TCP or Unix {@code createConnection} with the given factory. */
    interface Connector {
        TransportAndProtocol open(java.util.function.Supplier<Protocol> factory) throws IOException;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        if (reader != null) reader.setTransport(t);
        if (handler == null) return;
        StreamReader r = reader;
        StreamWriter w = new StreamWriter(t, this, r, null);
        Task<Void> task = loop.createTask(() -> handler.handle(r, w));
        task.addDoneCallback(done -> handlerDone(done, t));
    }

    /**
     * The handler ended: report its failure, and close the connection (asyncio leaves that to the
     * writer's garbage collection, which Java does not do): over TLS if the handler started it.
     */
    private void handlerDone(Future<Void> task, Transport t) {
        if (!task.cancelled()) {
            Throwable e = task.exception();
            if (e != null) {
                loop.callExceptionHandler(new ErrorContext("Unhandled exception in client_connected_cb", e,
                        null, null, null, this, t));
            }
        }
        Transport current = transport;
        (current != null ? current : t).close();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (reader != null) reader.feedData(data);
    }

    @Override
    public boolean eofReceived() {
        if (reader != null) reader.feedEof();
        // keep the transport open: the writer may still have something to say; TLS cannot half-close
        return !(transport instanceof SslTransport);
    }

    @Override
    public void connectionLost(Throwable exc) {
        if (reader != null) {
            if (exc == null) reader.feedEof();
            else reader.setException(exc);
        }
        if (!closed.done()) {
            if (exc == null) {
                closed.setResult(null);
            } else {
                closed.setException(exc);
                closed.exception(); // waitClosed() reports it; unawaited, it is not an unretrieved error
            }
        }
        connectionLost = true;
        if (paused) {
            for (Future<Void> w : drainWaiters) {
                if (w.done()) continue;
                if (exc == null) w.setResult(null);
                else w.setException(exc);
            }
        }
        reader = null;
        transport = null;
    }

    @Override
    public void pauseWriting() {
        paused = true;
    }

    @Override
    public void resumeWriting() {
        paused = false;
        for (Future<Void> w : drainWaiters) if (!w.done()) w.setResult(null);
    }

    EventLoop loop() {
        return loop;
    }

    /** True on a server's connection: a {@code startTls} there is the TLS server side. */
    boolean serverSide() {
        return handler != null;
    }

    /** After {@code startTls}: the TLS transport, now the one to close and to ask about EOF. */
    void replaceTransport(Transport t) {
        transport = t;
    }

    /** Waits while writing is paused; fails once the connection is lost. */
    void drainHelper() throws IOException {
        if (connectionLost) throw new SocketException("Connection lost");
        if (!paused) return;
        Future<Void> waiter = loop.createFuture();
        drainWaiters.addLast(waiter);
        try {
            waiter.awaitUnchecked();
        } finally {
            drainWaiters.remove(waiter);
        }
    }

    /** Completes when the connection is lost; fails with the error that closed it, if any. */
    Future<Void> closed() {
        return closed;
    }
}
