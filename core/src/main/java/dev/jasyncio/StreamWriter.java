package dev.jasyncio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import dev.jasyncio.internal.Throwables;

/**
 * The sending side of a stream connection (asyncio's {@code StreamWriter}). {@code write} never
 * blocks; {@link #drain()} is where a writer waits for a slow peer, so a loop of write + drain
 * keeps memory bounded by the transport's high-water mark.
 */
public final class StreamWriter {
    private Transport transport;        // replaced by startTls
    private final StreamProtocol protocol;
    private final StreamReader reader;
    private final String host;          // the host connected to, for startTls to check; null if unknown

    StreamWriter(Transport transport, StreamProtocol protocol, StreamReader reader, String host) {
        this.transport = transport;
        this.protocol = protocol;
        this.reader = reader;
        this.host = host;
    }

    public Transport transport() {
        return transport;
    }

    public void write(byte[] data) {
        transport.write(data);
    }

    /** Writes {@code text} encoded as UTF-8. */
    public void write(String text) {
        transport.write(text.getBytes(StandardCharsets.UTF_8));
    }

    public void writelines(Iterable<byte[]> chunks) {
        transport.writelines(chunks);
    }

    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the sending side after buffered data; the reader may go on reading. */
    public void writeEof() {
        transport.writeEof();
    }

    /** Closes the connection once buffered data is sent; see {@link #waitClosed()}. */
    public void close() {
        transport.close();
    }

    public boolean isClosing() {
        return transport.isClosing();
    }

    /** Waits until the connection is closed; rethrows the error that closed it, if any. */
    public void waitClosed() throws IOException {
        protocol.closed().awaitUnchecked();
    }

    /**
     * Waits until the transport's write buffer is below its high-water mark. Fails with the
     * reader's error if it has one, and with a {@link java.net.SocketException} once the
     * connection is lost (instead of waiting forever).
     */
    public void drain() throws IOException {
        if (reader != null) {
            Throwable e = reader.exception();
            if (e != null) throw Throwables.sneaky(e);
        }
        if (transport.isClosing()) {
            // let connectionLost run first, so that drain() on a lost connection fails
            Asyncio.sleep(0);
        }
        protocol.drainHelper();
    }

    /**
     * {@code "peername"}, {@code "sockname"}, {@code "socket"} (see {@link BaseTransport#getExtraInfo});
     * over TLS also {@code "sslcontext"} (the {@link SSLContext}), {@code "ssl_object"} (the
     * {@link javax.net.ssl.SSLEngine}, whose session tells the protocol version and more), {@code
     * "peercert"} (the peer's {@code java.security.cert.Certificate[]} chain, or null if it sent
     * none) and {@code "cipher"} (the cipher suite's name).
     */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /**
     * {@link #startTls(SSLContext, String, double, double)} checking the host the connection was
     * opened to (on a client), with asyncio's timeouts.
     */
    public void startTls(SSLContext sslcontext) throws IOException {
        startTls(sslcontext, null);
    }

    /** {@link #startTls(SSLContext, String, double, double)} with asyncio's timeouts (60 s, 30 s). */
    public void startTls(SSLContext sslcontext, String serverHostname) throws IOException {
        startTls(sslcontext, serverHostname, SslSettings.HANDSHAKE_TIMEOUT, SslSettings.SHUTDOWN_TIMEOUT);
    }

    /**
     * asyncio's {@code StreamWriter.start_tls}: upgrades this connection to TLS in place, after
     * draining what is written. On a server's connection this side is the TLS server; on a
     * client's, the client. Returns once the handshake has succeeded; from then on this writer
     * and its reader carry plain bytes over TLS. Bytes the reader had buffered without their
     * being read are taken as the start of the TLS stream (say, a client's ClientHello that came
     * right behind its last plain line: gh-142352). If the handshake fails, the connection is
     * closed and its {@link javax.net.ssl.SSLException} (or a {@link java.net.SocketTimeoutException}
     * past {@code handshakeTimeout}) is thrown, and {@link #waitClosed()} rethrows it.
     *
     * @param serverHostname client side only: the name sent as SNI and checked against the
     *                       server's certificate; null: the host given to {@code openConnection}
     *                       (the peer's IP address if unknown); "" checks no name
     * @throws IllegalArgumentException for a {@code serverHostname} on a server's connection, or
     *                                  a timeout that is not positive
     * @throws IllegalStateException    if the connection is closing, or if not called from a task
     */
    public void startTls(SSLContext sslcontext, String serverHostname, double handshakeTimeout,
                         double shutdownTimeout) throws IOException {
        startTls(sslcontext, null, serverHostname, handshakeTimeout, shutdownTimeout);
    }

    /**
     * {@link #startTls(SSLContext, String, double, double)} with {@code sslParameters} set on the
     * TLS engine first (null: the context's defaults): what an asyncio caller sets on its {@code
     * ssl.SSLContext}, such as requiring a client certificate or offering ALPN protocols. A
     * {@code serverHostname} is checked whatever they say.
     */
    public void startTls(SSLContext sslcontext, SSLParameters sslParameters, String serverHostname,
                         double handshakeTimeout, double shutdownTimeout) throws IOException {
        Objects.requireNonNull(sslcontext, "sslcontext is expected to be an SSLContext, got null");
        Task.currentOrThrow("StreamWriter.startTls()");
        EventLoop loop = protocol.loop();
        boolean serverSide = protocol.serverSide();
        String name = serverSide || serverHostname != null ? serverHostname : host;
        if (!serverSide && name == null) name = Connections.peerAddress(transport);
        SslSettings tls = new SslSettings(sslcontext, serverSide, name, handshakeTimeout, shutdownTimeout, sslParameters);
        if (transport.isClosing()) throw new IllegalStateException("startTls(): the connection is closing");
        drain();
        Future<Void> waiter = loop.createFuture();
        SslProtocol ssl = new SslProtocol(loop, protocol, tls, Connections.peerPort(transport), waiter, false);
        if (reader != null) ssl.alreadyReceived(reader.handOverForTls(ssl.appTransport()));
        Transport upgraded = Connections.upgradeToTls(loop, transport, ssl, waiter);
        transport = upgraded;
        protocol.replaceTransport(upgraded);
    }

    @Override
    public String toString() {
        return "<StreamWriter transport=" + transport + (reader != null ? " reader=" + reader : "") + ">";
    }
}
