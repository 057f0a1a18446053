package dev.jasyncio;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stream transport over a non-blocking {@link SocketChannel} (TCP or Unix domain) watched by the
 * loop's selector: asyncio's {@code _SelectorSocketTransport}. A write goes straight to the
 * socket when nothing is buffered; the rest waits in the buffer for the socket to become
 * writable, with the protocol paused while the buffer is over its high-water mark.
 */
final class SocketTransport extends SelectorTransport implements Transport {
    /** A small write is appended to the buffered chunk before it rather than getting its own. */
    private static final int CHUNK = 16 * 1024;
    /** How many buffered chunks one gathering write hands to the socket at most. */
    private static final int GATHER = 64;

    private final SocketChannel socket;
    private final Handle readReady = new Handle(this::readReady);
    private final Handle writeReady = new Handle(this::writeReady);
    private Protocol protocol;
    private BufferedProtocol bufferedProtocol;   // the protocol, if it supplies its own buffers

    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[GATHER];
    private boolean eof;          // writeEof() was called
    private boolean paused;       // pauseReading()

    /**
     * Wraps a connected channel. As in asyncio, the protocol's {@code connectionMade}, the start of
     * reading and the completion of {@code waiter} each happen in a later callback, in that order.
     */
    SocketTransport(EventLoop loop, SocketChannel channel, Protocol protocol, Future<Void> waiter, Server server) {
        super(loop, channel, remoteAddress(channel), server);
        this.socket = channel;
        setProtocol(protocol);
        if (peername instanceof InetSocketAddress) {
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // as asyncio: latency over batching
            } catch (IOException ignored) {
                // not every stream socket supports it
            }
        }
        loop.callSoon(() -> this.protocol.connectionMade(this));
        loop.callSoon(this::startReading);
        if (waiter != null) loop.callSoon(() -> {
            if (!waiter.done()) waiter.setResult(null);
        });
    }

    private static SocketAddress remoteAddress(SocketChannel ch) {
        try {
            return ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private void startReading() {
        if (!closing && !paused) watch.setReader(readReady);
    }

    // ---- reading ---------------------------------------------------------------------------------

    private void readReady() {
        if (connLost != 0) return;
        ByteBuffer buf = bufferedProtocol != null ? protocolBuffer() : loop.readBuffer();
        if (buf == null) return;
        int n;
        try {
            n = socket.read(buf);
        } catch (IOException | RuntimeException e) {
            // RuntimeException: a protocol's buffer cannot be filled (read-only, say). Uncaught, it
            // would recur at every poll; asyncio makes any error here a fatal read error.
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n < 0) {
            readEof();
        } else if (n > 0) {
            try {
                if (bufferedProtocol != null) bufferedProtocol.bufferUpdated(n);
                else protocol.dataReceived(buf.flip());
            } catch (Throwable e) {
                fatalError(e, "Fatal error: protocol." + (bufferedProtocol != null ? "bufferUpdated" : "dataReceived")
                        + "() call failed.");
            }
        }
    }

    /** The buffer a {@link BufferedProtocol} offers to read into; null (and the transport failed) if it offers none. */
    private ByteBuffer protocolBuffer() {
        try {
            ByteBuffer buf = bufferedProtocol.getBuffer(-1);
            if (buf == null || !buf.hasRemaining()) throw new IllegalStateException("getBuffer() returned an empty buffer");
            return buf;
        } catch (Throwable e) {
            fatalError(e, "Fatal error: protocol.getBuffer() call failed.");
            return null;
        }
    }

    private void readEof() {
        if (loop.debug) LOG.log(Level.DEBUG, this + " received EOF");
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (Throwable e) {
            fatalError(e, "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        if (keepOpen) {
            watch.clearReader(); // nothing more to read, but the protocol may go on writing
        } else {
            close();
        }
    }

    @Override
    public void pauseReading() {
        if (!isReading()) return;
        paused = true;
        watch.clearReader();
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) return;
        paused = false;
        watch.setReader(readReady);
    }

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    // ---- writing ---------------------------------------------------------------------------------

    @Override
    public void write(ByteBuffer data) {
        if (eof) throw new IllegalStateException("Cannot call write() after writeEof()");
        if (!data.hasRemaining()) return;
        if (connLost != 0) {
            if (connLost >= 5) LOG.log(Level.WARNING, "socket.send() raised exception.");
            connLost++;
            return;
        }
        if (bufferSize == 0) {
            try {
                ByteBuffer staged = loop.staged(data);
                if (staged == null) {
                    socket.write(data);
                } else {
                    data.position(data.position() + socket.write(staged));
                }
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                return;
            }
            if (!data.hasRemaining()) return;
            watch.setWriter(writeReady);
        }
        buffer(data);
        maybePauseProtocol();
    }

    /** Copies what is left of {@code data} to the end of the write buffer. */
    private void buffer(ByteBuffer data) {
        int n = data.remaining();
        ByteBuffer last = pending.peekLast();
        if (last != null && last.capacity() - last.limit() >= n) {
            int pos = last.position();
            last.position(last.limit()).limit(last.limit() + n);
            last.put(data).position(pos);
        } else {
            ByteBuffer chunk = ByteBuffer.allocate(Math.max(n, CHUNK));
            chunk.put(data).flip();
            pending.addLast(chunk);
        }
        bufferSize += n;
    }

    private void writeReady() {
        if (connLost != 0) return;
        int count = 0;
        for (ByteBuffer b : pending) {
            gather[count++] = b;
            if (count == GATHER) break;
        }
        long n;
        try {
            n = socket.write(gather, 0, count);
        } catch (IOException e) {
            fatalError(e, "Fatal write error on socket transport"); // drops the buffer
            return;
        } finally {
            Arrays.fill(gather, 0, count, null);
        }
        bufferSize -= (int) n;
        while (!pending.isEmpty() && !pending.peekFirst().hasRemaining()) pending.pollFirst();
        maybeResumeProtocol();
        if (bufferSize == 0) {
            watch.clearWriter();
            if (closing) {
                callConnectionLost(null);
            } else if (eof) {
                shutdownOutput();
            }
        }
    }

    @Override
    public void writeEof() {
        if (closing || eof) return;
        eof = true;
        if (bufferSize == 0) shutdownOutput();
    }

    private void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on shutdownOutput()");
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    // ---- the rest ----------------------------------------------------------------------------------

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.bufferedProtocol = protocol instanceof BufferedProtocol b ? b : null;
    }

    // ---- what the base class asks ------------------------------------------------------------------

    @Override
    BaseProtocol protocol() {
        return protocol;
    }

    @Override
    void clearWriteBuffer() {
        pending.clear();
    }

    @Override
    public String toString() {
        return describe("SocketTransport", !paused);
    }
}
