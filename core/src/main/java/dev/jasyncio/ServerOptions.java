package dev.jasyncio;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * How {@link EventLoop#createServer} and {@link Asyncio#startServer} listen: asyncio's keyword
 * arguments of {@code create_server}/{@code start_server}. Immutable; each {@code with} method
 * returns a copy.
 *
 * @param backlog             the listen queue, and how many connections one readiness event accepts at most
 * @param reuseAddress        SO_REUSEADDR (default true: a restarted server can bind at once)
 * @param reusePort           SO_REUSEPORT (default false): several servers share the port
 * @param startServing        accept at once (default true), or only after {@link Server#startServing()}
 * @param limit               the stream reader's buffer limit, for the streams API
 * @param ssl                 TLS on every accepted connection with this context (it must hold the
 *                            server's key and certificate), or null for plain bytes
 * @param sslHandshakeTimeout with {@code ssl}: seconds a client's TLS handshake may take before the
 *                            connection is dropped (asyncio's default, 60)
 * @param sslShutdownTimeout  with {@code ssl}: seconds a closing connection waits for the client's
 *                            close_notify (asyncio's default, 30)
 * @param sslParameters       with {@code ssl}: what each connection's {@link javax.net.ssl.SSLEngine}
 *                            is set to, or null for the context's defaults; {@code setNeedClientAuth(true)}
 *                            requires a client certificate (asyncio's {@code verify_mode = CERT_REQUIRED}
 *                            on a server context), {@code setApplicationProtocols} offers ALPN
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, int limit,
                            SSLContext ssl, double sslHandshakeTimeout, double sslShutdownTimeout,
                            SSLParameters sslParameters) {
    public ServerOptions {
        if (backlog <= 0) throw new IllegalArgumentException("backlog must be > 0: " + backlog);
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
        SslSettings.checkTimeout("sslHandshakeTimeout", sslHandshakeTimeout);
        SslSettings.checkTimeout("sslShutdownTimeout", sslShutdownTimeout);
    }

    /** Plain servers: the options without TLS. */
    public ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, int limit) {
        this(backlog, reuseAddress, reusePort, startServing, limit, null,
                SslSettings.HANDSHAKE_TIMEOUT, SslSettings.SHUTDOWN_TIMEOUT, null);
    }

    public static ServerOptions defaults() {
        return new ServerOptions(100, true, false, true, 64 * 1024);
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit, ssl, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, startServing, limit, ssl, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, startServing, limit, ssl, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    public ServerOptions withStartServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, on, limit, ssl, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    public ServerOptions withLimit(int limit) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit, ssl, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    /** TLS with {@code context} (null: none). */
    public ServerOptions withSsl(SSLContext context) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit, context, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }

    /** @throws IllegalArgumentException unless {@code seconds > 0} */
    public ServerOptions withSslHandshakeTimeout(double seconds) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit, ssl, seconds, sslShutdownTimeout, sslParameters);
    }

    /** @throws IllegalArgumentException unless {@code seconds > 0} */
    public ServerOptions withSslShutdownTimeout(double seconds) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit, ssl, sslHandshakeTimeout, seconds, sslParameters);
    }

    /** TLS engine parameters (null: the context's defaults); see the record's description. */
    public ServerOptions withSslParameters(SSLParameters parameters) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, limit, ssl, sslHandshakeTimeout, sslShutdownTimeout, parameters);
    }

    /** The TLS settings for accepted connections, or null without {@code ssl}; as asyncio, refuses TLS options without it. */
    SslSettings tls() {
        if (ssl == null) {
            SslSettings.checkOnlyWithSsl(sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
            return null;
        }
        return new SslSettings(ssl, true, null, sslHandshakeTimeout, sslShutdownTimeout, sslParameters);
    }
}
