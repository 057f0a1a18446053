package dev.jasyncio;

import java.nio.ByteBuffer;

/**
 * A {@link Protocol} that supplies the buffer received bytes are read into, avoiding a copy
 * (asyncio's {@code BufferedProtocol}). {@code dataReceived} is not called for it.
 */
public interface BufferedProtocol extends Protocol {
    /** A buffer with room from its position to its limit; {@code sizeHint} is what would fit best. */
    ByteBuffer getBuffer(int sizeHint);

    /** {@code n} bytes were written into the buffer returned last, starting at its position. */
    void bufferUpdated(int n);
}
