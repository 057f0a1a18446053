package dev.jasyncio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.jasyncio.internal.Throwables;

/**
 * The sending side of a stream connection (asyncio's {@code StreamWriter}). {@code write} never
 * blocks; {@link #drain()} is where a writer waits for a slow peer, so a loop of write + drain
 * keeps memory bounded by the transport's high-water mark.
 */
public final class StreamWriter {
    private final Transport transport;
    private final StreamProtocol protocol;
    private final StreamReader reader;

    StreamWriter(Transport transport, StreamProtocol protocol, StreamReader reader) {
        this.transport = transport;
        this.protocol = protocol;
        this.reader = reader;
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

    /** {@code "peername"}, {@code "sockname"}, {@code "socket"}; see {@link BaseTransport#getExtraInfo}. */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    @Override
    public String toString() {
        return "<StreamWriter transport=" + transport + (reader != null ? " reader=" + reader : "") + ">";
    }
}
