package dev.jasyncio;

import java.nio.ByteBuffer;

/**
 * A bidirectional byte stream driven by the loop (asyncio's {@code Transport}). Writes never
 * block: what the socket does not take at once is buffered and sent as the peer reads, and the
 * protocol is told to pause writing while the buffer is over the high-water mark.
 */
public interface Transport extends BaseTransport {
    /** Default high-water mark of the write buffer, as asyncio's: 64 KiB. */
    int DEFAULT_HIGH_WATER = 64 * 1024;

    /** Sends {@code data}; what cannot be sent at once is copied into the write buffer. */
    void write(ByteBuffer data);

    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    default void writelines(Iterable<byte[]> chunks) {
        for (byte[] chunk : chunks) write(chunk);
    }

    /** Closes the sending side once buffered data is flushed; the peer sees end of stream. */
    void writeEof();

    boolean canWriteEof();

    /** Stops delivering received data to the protocol until {@link #resumeReading()}. */
    void pauseReading();

    void resumeReading();

    boolean isReading();

    /** Bytes buffered for sending. */
    int getWriteBufferSize();

    /**
     * Sets the high- and low-water marks of the write buffer: the protocol's {@code pauseWriting}
     * runs when the buffer grows past {@code high}, {@code resumeWriting} when it drains to
     * {@code low} or less. Requires {@code 0 <= low <= high}.
     */
    void setWriteBufferLimits(int high, int low);

    /** {@link #setWriteBufferLimits(int, int)} with the low-water mark at a quarter of {@code high}. */
    default void setWriteBufferLimits(int high) {
        setWriteBufferLimits(high, high / 4);
    }

    int getWriteBufferHighWater();

    int getWriteBufferLowWater();

    Protocol getProtocol();

    /** Switches the protocol that receives this transport's events from now on. */
    void setProtocol(Protocol protocol);
}
