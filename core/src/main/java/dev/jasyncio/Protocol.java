package dev.jasyncio;

import java.nio.ByteBuffer;

/**
 * The callbacks a {@link Transport} makes (asyncio's {@code Protocol}). They run on the loop,
 * between task steps, and must not block. Every method has an empty default.
 *
 * <p>Order: {@code connectionMade}, then any number of {@code dataReceived}, then at most one
 * {@code eofReceived}, then exactly one {@code connectionLost}.
 */
public interface Protocol extends BaseProtocol {
    default void connectionMade(Transport transport) {}

    /**
     * Bytes from the peer, between the buffer's position and limit. The buffer is reused once this
     * returns: copy what must be kept.
     */
    default void dataReceived(ByteBuffer data) {}

    /**
     * The peer closed its sending side. Return true to keep the transport open (to go on writing);
     * false closes it. Over TLS the return value has no effect: the end of a TLS stream closes the
     * connection both ways, as in asyncio.
     */
    default boolean eofReceived() {
        return false;
    }
}
