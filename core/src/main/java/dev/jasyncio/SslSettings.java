package dev.jasyncio;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * How one TLS connection is set up: the context, the side, the name the client checks the
 * server's certificate against, and asyncio's two timeouts. Checked when built, so that bad input
 * fails before any socket is opened.
 *
 * @param serverHostname on the client side, the name sent as SNI and checked against the
 *                       server's certificate (endpoint identification "HTTPS"); an IP address is
 *                       checked but not sent; "" checks no name (the certificate chain is still
 *                       verified by the context's trust managers); null on the server side
 * @param parameters     what the engine is set to before our own settings, or null for the
 *                       context's defaults: what Python keeps in its {@code ssl.SSLContext} and
 *                       Java in {@link SSLParameters} (client certificates, ALPN, protocols, ciphers)
 */
record SslSettings(SSLContext context, boolean serverSide, String serverHostname,
                   double handshakeTimeout, double shutdownTimeout, SSLParameters parameters) {
    /** asyncio's SSL_HANDSHAKE_TIMEOUT: seconds a handshake may take before the connection is aborted. */
    static final double HANDSHAKE_TIMEOUT = 60.0;
    /** asyncio's SSL_SHUTDOWN_TIMEOUT: seconds to wait for the peer's close_notify after sending ours. */
    static final double SHUTDOWN_TIMEOUT = 30.0;

    SslSettings {
        Objects.requireNonNull(context, "sslcontext is expected to be an SSLContext, got null");
        checkTimeout("sslHandshakeTimeout", handshakeTimeout);
        checkTimeout("sslShutdownTimeout", shutdownTimeout);
        if (serverSide && serverHostname != null) {
            throw new IllegalArgumentException("serverHostname is only meaningful on the client side");
        }
        if (!serverSide && serverHostname == null) {
            throw new IllegalArgumentException("You must set serverHostname when using ssl without a host"
                    + " (\"\" checks no name)");
        }
        if (serverHostname != null && !serverHostname.isEmpty() && Sockets.literal(serverHostname) == null) {
            new SNIHostName(serverHostname); // throws IllegalArgumentException for a malformed name
        }
    }

    /** asyncio's check of {@code ssl_handshake_timeout} and {@code ssl_shutdown_timeout}; +infinity means none. */
    static void checkTimeout(String name, double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException(name + " should be a positive number, got " + seconds);
    }

    /**
     * asyncio refuses {@code ssl_handshake_timeout}/{@code ssl_shutdown_timeout} without {@code
     * ssl}; a value other than the default is taken as given. Parameters without {@code ssl} are
     * refused the same way.
     */
    static void checkOnlyWithSsl(double handshakeTimeout, double shutdownTimeout, SSLParameters parameters) {
        if (parameters != null) throw new IllegalArgumentException("sslParameters is only meaningful with ssl");
        if (handshakeTimeout != HANDSHAKE_TIMEOUT) throw new IllegalArgumentException("sslHandshakeTimeout is only meaningful with ssl");
        if (shutdownTimeout != SHUTDOWN_TIMEOUT) throw new IllegalArgumentException("sslShutdownTimeout is only meaningful with ssl");
    }

    /**
     * A new engine in the right mode. {@code peerPort} (or -1) helps the JDK find a session to
     * resume with the same server.
     */
    SSLEngine newEngine(int peerPort) {
        boolean named = !serverSide && !serverHostname.isEmpty();
        SSLEngine engine = named ? context.createSSLEngine(serverHostname, peerPort) : context.createSSLEngine();
        engine.setUseClientMode(!serverSide);
        // the caller's parameters first: the name check below is not theirs to switch off ("" does that)
        if (parameters != null) engine.setSSLParameters(parameters);
        if (!named) return engine;
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        InetAddress ip = Sockets.literal(serverHostname);
        params.setServerNames(ip == null ? List.of(new SNIHostName(serverHostname)) : List.of());
        engine.setSSLParameters(params);
        return engine;
    }
}
