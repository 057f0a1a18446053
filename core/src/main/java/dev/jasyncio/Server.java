package dev.jasyncio;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Listening sockets that accept connections for a protocol factory: asyncio's {@code Server}.
 * Closing stops accepting; connections already accepted live on until they close, and
 * {@link #waitClosed()} waits for them too.
 *
 * <p>As {@code AutoCloseable}, {@link #close()} only stops listening (it cannot wait); call
 * {@link #waitClosed()} to wait for the connections.
 */
public final class Server implements AutoCloseable {
    /** After running out of descriptors, accepting pauses this long (asyncio's ACCEPT_RETRY_DELAY). */
    static final double ACCEPT_RETRY_DELAY = 1.0;

    private final EventLoop loop;
    private List<ServerSocketChannel> listeners;   // null once closed
    private final List<SocketAddress> addresses;
    private final Supplier<? extends Protocol> factory;
    private final int backlog;
    private boolean serving;
    private final Set<SelectorTransport> clients = new LinkedHashSet<>();
    private List<Future<Void>> closeWaiters = new ArrayList<>();    // null once fully closed
    private Future<Void> servingForever;

    Server(EventLoop loop, List<ServerSocketChannel> listeners, Supplier<? extends Protocol> factory, int backlog) {
        this.loop = loop;
        this.listeners = listeners;
        this.factory = factory;
        this.backlog = backlog;
        List<SocketAddress> bound = new ArrayList<>();
        for (ServerSocketChannel ch : listeners) {
            try {
                bound.add(ch.getLocalAddress());
            } catch (IOException e) {
                throw new IllegalStateException("a listening socket has no address", e);
            }
        }
        this.addresses = List.copyOf(bound);
    }

    public EventLoop getLoop() {
        return loop;
    }

    /** Starts accepting connections; does nothing if already serving. */
    public void startServing() {
        loop.checkThread("Server.startServing()");
        if (serving || listeners == null) return;
        serving = true;
        for (ServerSocketChannel ch : listeners) watchAccept(ch);
    }

    private void watchAccept(ServerSocketChannel ch) {
        IoWatch.owned(loop, ch).setReader(new Handle(() -> accept(ch)));
    }

    /** Accepts up to a backlog of connections now pending, as asyncio does per readiness event. */
    private void accept(ServerSocketChannel listener) {
        for (int i = 0; i < backlog; i++) {
            SocketChannel conn;
            try {
                conn = listener.accept();
            } catch (IOException e) {
                if (!listener.isOpen()) return;
                acceptFailed(listener, e);
                return;
            }
            if (conn == null) return;
            connectionAccepted(conn);
        }
    }

    /**
     * Out of descriptors (or another accept error): report it, stop accepting from this socket
     * for a while rather than spin on a listener that stays ready.
     */
    private void acceptFailed(ServerSocketChannel listener, IOException e) {
        loop.callExceptionHandler(new ErrorContext("socket.accept() out of system resource", e,
                null, null, null, null, listener));
        IoWatch.owned(loop, listener).clearReader();
        loop.callLater(ACCEPT_RETRY_DELAY, () -> {
            if (serving && listener.isOpen()) watchAccept(listener);
        });
    }

    private void connectionAccepted(SocketChannel conn) {
        try {
            conn.configureBlocking(false);
            // checked before the transport exists: a transport that fails once attached to this
            // server would never detach, and waitClosed() would wait for it forever
            Protocol protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            new SocketTransport(loop, conn, protocol, null, this);
        } catch (Throwable e) {
            Sockets.closeQuietly(conn);
            loop.callExceptionHandler(new ErrorContext("Error on transport creation for incoming connection", e,
                    null, null, null, null, null));
        }
    }

    void attach(SelectorTransport t) {
        clients.add(t);
    }

    void detach(SelectorTransport t) {
        clients.remove(t);
        if (clients.isEmpty() && listeners == null) wakeCloseWaiters();
    }

    private void wakeCloseWaiters() {
        List<Future<Void>> waiters = closeWaiters;
        closeWaiters = null;
        if (waiters == null) return;
        for (Future<Void> w : waiters) if (!w.done()) w.setResult(null);
    }

    /**
     * Stops listening and closes the listening sockets (removing a Unix socket's file). Accepted
     * connections stay open: see {@link #closeClients()}. Does nothing if already closed.
     */
    @Override
    public void close() {
        loop.checkThread("Server.close()");
        List<ServerSocketChannel> ls = listeners;
        if (ls == null) return;
        listeners = null;
        for (int i = 0; i < ls.size(); i++) {
            loop.closeChannel(ls.get(i));
            if (addresses.get(i) instanceof UnixDomainSocketAddress unix) {
                try {
                    Files.deleteIfExists(unix.getPath());
                } catch (IOException ignored) {
                    // someone else owns the path now
                }
            }
        }
        serving = false;
        if (servingForever != null && !servingForever.done()) servingForever.cancel();
        servingForever = null;
        if (clients.isEmpty()) wakeCloseWaiters();
    }

    /** Closes every accepted connection (buffered data is still sent). */
    public void closeClients() {
        for (SelectorTransport t : List.copyOf(clients)) t.close();
    }

    /** Aborts every accepted connection, dropping buffered data. */
    public void abortClients() {
        for (SelectorTransport t : List.copyOf(clients)) t.abort();
    }

    /** Waits until the server is closed and every connection it accepted has closed. */
    public void waitClosed() {
        if (closeWaiters == null) return;
        Future<Void> w = loop.createFuture();
        closeWaiters.add(w);
        w.awaitUnchecked();
    }

    /**
     * Accepts connections until the calling task is cancelled, then closes the server, waits for
     * it to be closed, and rethrows the cancellation.
     */
    public void serveForever() {
        if (servingForever != null) throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        if (listeners == null) throw new IllegalStateException("server " + this + " is closed");
        startServing();
        servingForever = loop.createFuture();
        try {
            servingForever.awaitUnchecked();
        } catch (CancelledError e) {
            close();
            try {
                waitClosed();
            } catch (CancelledError again) {
                // the first cancellation is the one to report
            }
            throw e;
        } finally {
            servingForever = null;
        }
    }

    public boolean isServing() {
        return serving && !loop.isClosed();
    }

    /** The addresses the server listens on; empty once closed (or once its loop closed it). */
    public List<SocketAddress> sockets() {
        return listeners == null || loop.isClosed() ? List.of() : addresses;
    }

    @Override
    public String toString() {
        return "<Server sockets=" + sockets() + ">";
    }
}
