package dev.jasyncio;

import java.net.SocketAddress;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * How {@link EventLoop#createConnection} and {@link Asyncio#openConnection} connect: asyncio's
 * keyword arguments. Immutable; each {@code with} method returns a copy.
 *
 * @param localAddr           the local address to bind before connecting, or null
 * @param limit               the stream reader's buffer limit, for the streams API
 * @param ssl                 TLS over the connection with this context, or null for plain bytes
 * @param serverHostname      with {@code ssl}: the name sent as SNI and checked against the server's
 *                            certificate (endpoint identification "HTTPS"). Null (the default) means
 *                            the host connected to; "" checks no name (the certificate chain is still
 *                            verified by the context's trust managers)
 * @param sslHandshakeTimeout with {@code ssl}: seconds the TLS handshake may take before the connection
 *                            is aborted (asyncio's default, 60); {@code Double.POSITIVE_INFINITY}: no limit
 * @param sslShutdownTimeout  with {@code ssl}: seconds {@code close()} waits for the peer's close_notify
 *                            before aborting the connection (asyncio's default, 30)
 * @param sslParameters       with {@code ssl}: what the connection's {@link javax.net.ssl.SSLEngine} is
 *                            set to, or null for the context's defaults (ALPN with {@code
 *                            setApplicationProtocols}, protocols, cipher suites). The name check of
 *                            {@code serverHostname} applies on top of them
 */
public record ConnectOptions(SocketAddress localAddr, int limit, SSLContext ssl, String serverHostname,
                             double sslHandshakeTimeout, double sslShutdownTimeout, SSLParameters sslParameters) {
    public ConnectOptions {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
        SslSettings.checkTimeout("sslHandshakeTimeout", sslHandshakeTimeout);
        SslSettings.checkTimeout("sslShutdownTimeout", sslShutdownTimeout);
    }

    /** Plain connections: {@code localAddr} and {@code limit}, no TLS. */
    public ConnectOptions(SocketAddress localAddr, int limit) {
        this(localAddr, limit, null, null, SslSettings.HANDSHAKE_TIMEOUT, SslSettings.SHUTDOWN_TIMEOUT, null);
    }

    public static ConnectOptions defaults() {
        return new ConnectOptions(null, 64 * 1024);
    }

    public ConnectOptions withLocalAddr(SocketAddress addr) {
        return new ConnectOptions(addr, limit, ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    public ConnectOptions withLimit(int limit) {
        return new ConnectOptions(localAddr, limit, ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    /** TLS with {@code context} (null: none). */
    public ConnectOptions withSsl(SSLContext context) {
        return new ConnectOptions(localAddr, limit, context, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    public ConnectOptions withServerHostname(String name) {
        return new ConnectOptions(localAddr, limit, ssl, name, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    /** @throws IllegalArgumentException unless {@code seconds > 0} */
    public ConnectOptions withSslHandshakeTimeout(double seconds) {
        return new ConnectOptions(localAddr, limit, ssl, serverHostname, seconds, sslShutdownTimeout, sslParameters);
    }

    /** @throws IllegalArgumentException unless {@code seconds > 0} */
    public ConnectOptions withSslShutdownTimeout(double seconds) {
        return new ConnectOptions(localAddr, limit, ssl, serverHostname, sslHandshakeTimeout, seconds, sslParameters);
    }

    /** TLS engine parameters (null: the context's defaults); see the record's description. */
    public ConnectOptions withSslParameters(SSLParameters parameters) {
        return new ConnectOptions(localAddr, limit, ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, parameters);
    }

    /**
     * The TLS settings for a connection to {@code host} (null for a Unix socket), or null without
     * {@code ssl}. As asyncio, refuses TLS options given without {@code ssl}.
     */
    SslSettings tls(String host) {
        if (ssl == null) {
            if (serverHostname != null) throw new IllegalArgumentException("serverHostname is only meaningful with ssl");
            SslSettings.checkOnlyWithSsl(sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
            return null;
        }
        return new SslSettings(ssl, false, serverHostname != null ? serverHostname : host,
                sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }
}
