package dev.jasyncio;

/**
 * What every transport shares (asyncio's {@code BaseTransport}): closing, and information about
 * the underlying channel. Transports belong to their loop and, like it, are not thread-safe.
 */
public interface BaseTransport {
    /**
     * Closes the transport: buffered outgoing data is still sent, then the protocol's
     * {@code connectionLost(null)} runs in a later iteration. Closing again does nothing.
     */
    void close();

    /** True once the transport is closing or closed. */
    boolean isClosing();

    /**
     * Information about the connection: {@code "peername"} and {@code "sockname"} (the
     * {@link java.net.SocketAddress}), {@code "socket"} (the channel); null for an unknown name.
     * A TLS transport adds {@code "sslcontext"} (the {@link javax.net.ssl.SSLContext}) and, once
     * the handshake is done, {@code "ssl_object"} (the {@link javax.net.ssl.SSLEngine}),
     * {@code "peercert"} (the peer's {@code java.security.cert.Certificate[]} chain, or null if it
     * sent none) and {@code "cipher"} (the cipher suite's name).
     */
    Object getExtraInfo(String name);

    /** Closes at once, dropping buffered outgoing data; {@code connectionLost(null)} still runs. */
    void abort();
}
