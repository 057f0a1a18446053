package dev.jasyncio;

import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the loop turns sockets into transports (the second half of asyncio's {@code base_events}):
 * a connected socket gets a transport and a protocol, under TLS if asked, and the caller waits
 * for {@code connectionMade}; a listening socket gets a {@link Server}; an open connection can
 * be upgraded to TLS. A socket that does not make it into a transport is closed.
 */
final class Connections {
    private Connections() {}

    /**
     * Wraps a connected socket in a transport (under TLS if {@code tls} is given); waits for
     * {@code connectionMade}, which for TLS follows the handshake. Closes the socket on failure.
     */
    static TransportAndProtocol connected(EventLoop loop, SocketChannel ch, Supplier<? extends Protocol> factory, SslSettings tls, int port) {
        Protocol protocol = newProtocol(ch, factory);
        if (tls == null) {
            return new TransportAndProtocol(madeTransport(loop, ch, waiter -> new SocketTransport(loop, ch, protocol, waiter, null)), protocol);
        }
        Transport[] socket = {null};
        try {
            return new TransportAndProtocol(madeTransport(loop, ch, waiter -> {
                SslProtocol ssl = new SslProtocol(loop, protocol, tls, port, waiter, true);
                socket[0] = new SocketTransport(loop, ch, ssl, null, null);
                return ssl.appTransport();
            }), protocol);
        } catch (Throwable e) {
            if (socket[0] != null) socket[0].abort(); // a handshake cut short leaves nothing to flush
            throw e;
        }
    }

    /** A protocol from {@code factory}, for {@code ch}; closes {@code ch} if the factory fails. */
    static <P> P newProtocol(SelectableChannel ch, Supplier<? extends P> factory) {
        try {
            return Objects.requireNonNull(factory.get(), "the protocol factory returned null");
        } catch (Throwable e) {
            Sockets.closeQuietly(ch);
            throw e;
        }
    }

    /**
     * A transport for {@code ch} made by {@code make}, once its protocol's {@code connectionMade}
     * has run (asyncio's waiter). The channel is closed if that fails or the caller is cancelled.
     */
    static <T extends BaseTransport> T madeTransport(EventLoop loop, SelectableChannel ch, Function<Future<Void>, T> make) {
        Future<Void> waiter = loop.createFuture();
        T transport;
        try {
            transport = make.apply(waiter);
        } catch (Throwable e) {
            Sockets.closeQuietly(ch);
            throw e;
        }
        try {
            waiter.awaitUnchecked();
        } catch (Throwable e) {
            transport.close();
            throw e;
        }
        return transport;
    }

    /** {@code factory}, or (with {@code tls}) a factory of TLS layers over the protocols it makes. */
    static Supplier<? extends Protocol> overTls(EventLoop loop, Supplier<? extends Protocol> factory, SslSettings tls) {
        if (tls == null) return factory;
        return () -> new SslProtocol(loop, Objects.requireNonNull(factory.get(), "the protocol factory returned null"),
                tls, -1, null, true);
    }

    /** The peer's IP address as text, or null if the transport has none (a Unix socket). */
    static String peerAddress(Transport transport) {
        return transport.getExtraInfo("peername") instanceof InetSocketAddress peer ? peer.getAddress().getHostAddress() : null;
    }

    /** The peer's port, or -1. */
    static int peerPort(Transport transport) {
        return transport.getExtraInfo("peername") instanceof InetSocketAddress peer ? peer.getPort() : -1;
    }

    /**
     * Puts {@code ssl} between {@code transport} and its protocol and waits for the handshake
     * ({@code waiter}); closes the connection if that fails. asyncio's {@code start_tls} body.
     */
    static SslTransport upgradeToTls(EventLoop loop, Transport transport, SslProtocol ssl, Future<Void> waiter) {
        // nothing may reach the TLS layer before its connectionMade
        transport.pauseReading();
        transport.setProtocol(ssl);
        Handle made = loop.callSoon(() -> ssl.connectionMade(transport));
        Handle resume = loop.callSoon(transport::resumeReading);
        try {
            waiter.awaitUnchecked();
        } catch (Throwable e) {
            transport.close();
            made.cancel();
            resume.cancel();
            throw e;
        }
        return ssl.appTransport();
    }

    static Server serve(EventLoop loop, List<ServerSocketChannel> listeners, Supplier<? extends Protocol> factory, ServerOptions options) {
        Server server = new Server(loop, listeners, factory, options.backlog());
        if (options.startServing()) server.startServing();
        return server;
    }
}
