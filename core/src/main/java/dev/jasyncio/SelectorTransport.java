package dev.jasyncio;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;

/**
 * What the stream and datagram transports share (asyncio's {@code _SelectorTransport} with its
 * flow control): the channel's watch in the loop's selector, closing and aborting, fatal errors,
 * and pausing the protocol while the write buffer is over its high-water mark.
 */
abstract class SelectorTransport implements BaseTransport {
    static final System.Logger LOG = System.getLogger("dev.jasyncio");

    final EventLoop loop;
    final SelectableChannel channel;
    final IoWatch watch;
    final SocketAddress sockname, peername;
    private Server server;

    int bufferSize;                // bytes waiting to be sent
    private int highWater = Transport.DEFAULT_HIGH_WATER, lowWater = Transport.DEFAULT_HIGH_WATER / 4;
    private boolean protocolPaused;

    boolean closing;               // close(), or a fatal error: no more reading, nor writing once flushed
    int connLost;                  // connectionLost is scheduled; counts sends attempted afterwards

    <C extends SelectableChannel & NetworkChannel> SelectorTransport(EventLoop loop, C channel, SocketAddress peername, Server server) {
        this.loop = loop;
        this.channel = channel;
        this.watch = IoWatch.owned(loop, channel);
        this.sockname = localAddress(channel);
        this.peername = peername;
        this.server = server;
        if (server != null) server.attach(this);
    }

    private static SocketAddress localAddress(NetworkChannel ch) {
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    // ---- what each kind of transport does ----------------------------------------------------------

    abstract BaseProtocol protocol();

    /** Drops what waits to be sent (an abort, or an error that makes sending pointless). */
    abstract void clearWriteBuffer();

    // ---- flow control ------------------------------------------------------------------------------

    public int getWriteBufferSize() {
        return bufferSize;
    }

    public void setWriteBufferLimits(int high, int low) {
        checkWriteBufferLimits(high, low);
        highWater = high;
        lowWater = low;
        maybePauseProtocol();
    }

    public int getWriteBufferHighWater() {
        return highWater;
    }

    public int getWriteBufferLowWater() {
        return lowWater;
    }

    /** asyncio's check of write-buffer limits, for every kind of transport. */
    static void checkWriteBufferLimits(int high, int low) {
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
    }

    final void maybePauseProtocol() {
        if (bufferSize <= highWater || protocolPaused) return;
        protocolPaused = true;
        try {
            protocol().pauseWriting();
        } catch (Throwable e) {
            loop.callExceptionHandler(errorContext("protocol.pauseWriting() failed", e));
        }
    }

    final void maybeResumeProtocol() {
        if (!protocolPaused || bufferSize > lowWater) return;
        protocolPaused = false;
        try {
            protocol().resumeWriting();
        } catch (Throwable e) {
            loop.callExceptionHandler(errorContext("protocol.resumeWriting() failed", e));
        }
    }

    // ---- closing -----------------------------------------------------------------------------------

    @Override
    public void close() {
        if (closing) return;
        closing = true;
        watch.clearReader();
        if (bufferSize == 0) {
            connLost++;
            watch.clearWriter();
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /**
     * A socket error or a failing protocol callback. Socket errors are the peer's business and are
     * logged only in debug mode (as asyncio does); anything else goes to the exception handler.
     */
    final void fatalError(Throwable e, String message) {
        if (e instanceof IOException) {
            if (loop.debug) LOG.log(Level.DEBUG, this + ": " + message, e);
        } else {
            loop.callExceptionHandler(errorContext(message, e));
        }
        forceClose(e);
    }

    final void forceClose(Throwable e) {
        if (connLost != 0) return;
        if (bufferSize > 0) {
            clearWriteBuffer();
            bufferSize = 0;
            watch.clearWriter();
        }
        if (!closing) {
            closing = true;
            watch.clearReader();
        }
        connLost++;
        loop.callSoon(() -> callConnectionLost(e));
    }

    /** Tells the protocol, then releases the socket and leaves the server, whatever the protocol does. */
    final void callConnectionLost(Throwable e) {
        try {
            protocol().connectionLost(e);
        } finally {
            loop.closeChannel(channel);
            Server s = server;
            server = null;
            if (s != null) s.detach(this);
        }
    }

    final ErrorContext errorContext(String message, Throwable e) {
        return new ErrorContext(message, e, null, null, null, protocol(), this);
    }

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "peername" -> peername;
            case "sockname" -> sockname;
            case "socket" -> channel;
            default -> null;
        };
    }

    /** asyncio's transport repr: state, peer, and the read and write sides. */
    final String describe(String kind, boolean reading) {
        StringBuilder sb = new StringBuilder("<").append(kind);
        if (!channel.isOpen()) sb.append(" closed");
        else if (closing) sb.append(" closing");
        if (peername != null) sb.append(" peer=").append(peername);
        if (!closing) sb.append(reading ? " read=polling" : " read=paused");
        sb.append(" write=<").append(bufferSize == 0 ? "idle" : "polling").append(", bufsize=").append(bufferSize).append(">");
        return sb.append('>').toString();
    }
}
