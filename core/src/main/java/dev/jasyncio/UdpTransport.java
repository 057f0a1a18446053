package dev.jasyncio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A datagram transport over a non-blocking {@link DatagramChannel}: asyncio's
 * {@code _SelectorDatagramTransport}. Each datagram is sent whole or queued whole; send and
 * receive errors go to the protocol's {@code errorReceived} and leave the endpoint open.
 */
final class UdpTransport extends SelectorTransport implements DatagramTransport {
    private final DatagramChannel socket;
    private final Handle readReady = new Handle(this::readReady);
    private final Handle writeReady = new Handle(this::writeReady);
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private DatagramProtocol protocol;

    private record Queued(ByteBuffer data, SocketAddress addr) {}

    UdpTransport(EventLoop loop, DatagramChannel channel, DatagramProtocol protocol, SocketAddress remote, Future<Void> waiter) {
        super(loop, channel, remote, null);
        this.socket = channel;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        loop.callSoon(() -> this.protocol.connectionMade(this));
        loop.callSoon(() -> {
            if (!closing) watch.setReader(readReady);
        });
        loop.callSoon(() -> {
            if (!waiter.done()) waiter.setResult(null);
        });
    }

    private void readReady() {
        if (connLost != 0) return;
        ByteBuffer buf = loop.readBuffer();
        SocketAddress from;
        try {
            from = socket.receive(buf);
        } catch (IOException e) {
            protocol.errorReceived(e);
            return;
        }
        // as in asyncio, a failing datagramReceived is reported by the loop and the endpoint stays open
        if (from != null) protocol.datagramReceived(buf.flip(), from);
    }

    @Override
    public void sendto(ByteBuffer data, SocketAddress addr) {
        if (addr != null && peername != null && !addr.equals(peername)) {
            throw new IllegalArgumentException("Invalid address: must be null or " + peername);
        }
        SocketAddress to = addr != null ? addr : peername;
        if (to == null) throw new IllegalArgumentException("no address: the endpoint has no remote address");
        if (to instanceof InetSocketAddress inet && inet.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + inet + ": resolve it first (loop.getaddrinfo)");
        }
        if (connLost != 0) {
            if (connLost >= 5) LOG.log(System.Logger.Level.WARNING, "socket.send() raised exception.");
            connLost++;
            return;
        }
        if (queue.isEmpty()) {
            try {
                if (socket.send(data, to) > 0 || !data.hasRemaining()) return;
            } catch (IOException e) {
                protocol.errorReceived(e);
                return;
            } // an address of the wrong family throws IllegalArgumentException to the caller; the endpoint stays open
            watch.setWriter(writeReady);
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        queue.addLast(new Queued(copy, to));
        bufferSize += copy.remaining();
        maybePauseProtocol();
    }

    private void writeReady() {
        while (!queue.isEmpty()) {
            Queued q = queue.peekFirst();
            int size = q.data().remaining();
            try {
                if (socket.send(q.data(), q.addr()) == 0 && q.data().hasRemaining()) break; // no room yet
            } catch (IOException | IllegalArgumentException e) {
                protocol.errorReceived(e); // this datagram is lost; the rest still go
            }
            queue.pollFirst();
            bufferSize -= size;
        }
        maybeResumeProtocol();
        if (queue.isEmpty()) {
            watch.clearWriter();
            if (closing) callConnectionLost(null);
        }
    }

    @Override
    public DatagramProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(DatagramProtocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    BaseProtocol protocol() {
        return protocol;
    }

    @Override
    void clearWriteBuffer() {
        queue.clear();
    }

    @Override
    public String toString() {
        return describe("DatagramTransport", !closing);
    }
}
