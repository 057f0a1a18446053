package dev.jasyncio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A channel registered with the loop's selector, and the reader and writer callbacks asyncio keeps
 * per file descriptor. When the selector reports the channel ready, the event joins the ready
 * queue, exactly as asyncio's {@code _process_events} does; interest in an event is registered
 * only while a callback for it is set.
 *
 * <p>What is queued is the event, not the callback: it runs the channel's reader (or writer) as it
 * is when the event's turn comes. A callback removed or replaced by an earlier callback of the
 * same iteration therefore does not run, which asyncio gets by cancelling the queued handle; here
 * transports reuse their handles, so they cannot be cancelled.
 */
final class IoWatch {
    final SelectionKey key;
    private Handle reader, writer;
    private final Handle readable = new Event(true), writable = new Event(false);

    IoWatch(SelectionKey key) {
        this.key = key;
    }

    /** A readiness event waiting in the ready queue. */
    private final class Event extends Handle {
        private final boolean read;

        Event(boolean read) {
            super(null);
            this.read = read;
        }

        private Handle target() {
            return read ? reader : writer;
        }

        @Override
        void invoke() {
            Handle h = target();
            if (h != null && !h.cancelled) h.invoke();
        }

        @Override
        public String toString() {
            return String.valueOf(target()); // reports name the callback, not the event
        }
    }

    /** True when the channel belongs to the loop's own transports and servers, not to a caller of addReader. */
    private boolean owned;

    /** The watch of {@code ch} in {@code loop}'s selector, registering the channel on first use. */
    static IoWatch of(EventLoop loop, SelectableChannel ch) {
        SelectionKey k = loop.keyFor(ch);
        return (IoWatch) k.attachment();
    }

    /** {@link #of}, for a channel the loop's own transports and servers own (and close). */
    static IoWatch owned(EventLoop loop, SelectableChannel ch) {
        IoWatch w = of(loop, ch);
        w.owned = true;
        return w;
    }

    boolean owned() {
        return owned;
    }

    /** Cancels the key of a caller's channel that has nothing left to watch; true if it did. */
    boolean releaseIfIdle() {
        if (owned || reader != null || writer != null) return false;
        key.cancel();
        return true;
    }

    Handle reader() {
        return reader;
    }

    Handle writer() {
        return writer;
    }

    /** Sets the callback run when the channel is readable (or acceptable); replaces any earlier one. */
    void setReader(Handle h) {
        reader = h;
        update();
    }

    /** Sets the callback run when the channel is writable (or, while connecting, connected). */
    void setWriter(Handle h) {
        writer = h;
        update();
    }

    /** Removes the reader; true if there was one. */
    boolean clearReader() {
        Handle old = reader;
        if (old == null) return false;
        reader = null;
        update();
        return true;
    }

    boolean clearWriter() {
        Handle old = writer;
        if (old == null) return false;
        writer = null;
        update();
        return true;
    }

    private void update() {
        if (!key.isValid()) return; // the channel was closed: nothing to watch any more
        int valid = key.channel().validOps();
        int ops = 0;
        if (reader != null) ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        if (writer != null) {
            boolean connecting = key.channel() instanceof SocketChannel sc && sc.isConnectionPending();
            ops |= connecting ? SelectionKey.OP_CONNECT : valid & SelectionKey.OP_WRITE;
        }
        if (key.interestOps() != ops) key.interestOps(ops);
    }

    /** The selector reported this channel ready: queue the callbacks that apply. */
    void ready(EventLoop loop) {
        int ops;
        try {
            ops = key.readyOps();
        } catch (CancelledKeyException closed) {
            return;
        }
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && reader != null) loop.addReady(readable);
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && writer != null) loop.addReady(writable);
    }
}
