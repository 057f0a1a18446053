package dev.jasyncio;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** A UDP endpoint driven by the loop (asyncio's {@code DatagramTransport}). Sends never block. */
public interface DatagramTransport extends BaseTransport {
    /**
     * Sends one datagram to {@code addr}, or to the endpoint's remote address when {@code addr} is
     * null (then one must be set). What the socket cannot take at once is queued.
     */
    void sendto(ByteBuffer data, SocketAddress addr);

    default void sendto(byte[] data, SocketAddress addr) {
        sendto(ByteBuffer.wrap(data), addr);
    }

    /** Sends to the endpoint's remote address. */
    default void sendto(byte[] data) {
        sendto(ByteBuffer.wrap(data), null);
    }

    /** Bytes queued for sending. */
    int getWriteBufferSize();

    DatagramProtocol getProtocol();

    void setProtocol(DatagramProtocol protocol);
}
