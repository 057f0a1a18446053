package dev.jasyncio;

import java.nio.ByteBuffer;

/**
 * The application's side of a TLS connection (asyncio's {@code _SSLProtocolTransport}): plain
 * bytes in and out, over an {@link SslProtocol} that does the TLS. It adds no state of its own
 * beyond "closed"; every call goes to the protocol.
 *
 * <p>As in asyncio, {@link #writeEof()} is not supported (a TLS close is both ways: {@link
 * #close()} sends close_notify), the write buffer's default high-water mark is 512 KiB, and
 * {@link #getWriteBufferSize()} counts what has not been handed to the socket's transport yet
 * (which holds at most about its own high-water mark more before it pauses this one).
 */
final class SslTransport implements Transport {
    private final SslProtocol ssl;
    private boolean closed;

    SslTransport(SslProtocol ssl) {
        this.ssl = ssl;
    }

    @Override
    public void write(ByteBuffer data) {
        if (!data.hasRemaining()) return;
        ssl.writeAppData(data);
    }

    /**
     * Not supported over TLS, as in asyncio.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("writeEof() is not supported over TLS; close() sends close_notify");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void pauseReading() {
        ssl.pauseAppReading();
    }

    @Override
    public void resumeReading() {
        ssl.resumeAppReading();
    }

    @Override
    public boolean isReading() {
        return ssl.isAppReading();
    }

    @Override
    public int getWriteBufferSize() {
        return ssl.writeBufferSize();
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        SelectorTransport.checkWriteBufferLimits(high, low);
        ssl.setWriteBufferLimits(high, low);
    }

    @Override
    public int getWriteBufferHighWater() {
        return ssl.writeHighWater();
    }

    @Override
    public int getWriteBufferLowWater() {
        return ssl.writeLowWater();
    }

    @Override
    public Protocol getProtocol() {
        return ssl.appProtocol();
    }

    @Override
    public void setProtocol(Protocol protocol) {
        ssl.setAppProtocol(protocol);
    }

    /** Sends what is buffered, then close_notify; the protocol's {@code connectionLost(null)} follows the peer's. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ssl.startShutdown();
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    /** Closes the socket at once; the protocol's {@code connectionLost(exc)} follows. */
    void forceClose(Throwable exc) {
        closed = true;
        ssl.abort(exc);
    }

    void markClosed() {
        closed = true;
    }

    /** See {@link SslProtocol#extraInfo}. */
    @Override
    public Object getExtraInfo(String name) {
        return ssl.extraInfo(name);
    }

    @Override
    public String toString() {
        return "<SslTransport" + (closed ? " closing" : "") + " " + ssl + ">";
    }
}
