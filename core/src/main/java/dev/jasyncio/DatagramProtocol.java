package dev.jasyncio;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The callbacks a {@link DatagramTransport} makes (asyncio's {@code DatagramProtocol}). They run
 * on the loop and must not block. Every method has an empty default.
 */
public interface DatagramProtocol extends BaseProtocol {
    default void connectionMade(DatagramTransport transport) {}

    /**
     * A datagram from {@code addr}, between the buffer's position and limit. The buffer is reused
     * once this returns: copy what must be kept.
     */
    default void datagramReceived(ByteBuffer data, SocketAddress addr) {}

    /** A send or receive failed (an ICMP error, say); the endpoint stays open. */
    default void errorReceived(Exception exc) {}
}
