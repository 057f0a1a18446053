package dev.jasyncio;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A protocol that records its events and the bytes it receives, with futures to await them: what
 * test_events.py's MyBaseProto does, its state checks replaced by comparing the event list. Events
 * are "made", "data" (once per run of dataReceived calls), "eof", "lost" or "lost ExcName", and
 * "pause"/"resume" for flow control.
 */
class RecordingProtocol implements Protocol {
    final EventLoop loop;
    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final Future<Transport> made;
    final Future<Void> eof;
    /** Completes with connectionLost's argument (null on a clean close). */
    final Future<Throwable> lost;
    /** Complete with the write buffer's size when pauseWriting/resumeWriting first ran. */
    final Future<Integer> paused, resumed;
    int pauses, resumes;
    Transport transport;
    /** What eofReceived returns: true keeps the transport open for writing. */
    boolean keepOpen;
    /** Pause reading in connectionMade, before the first byte can arrive (a peer that does not read). */
    boolean pauseOnConnect;

    private int wanted;
    private Future<Void> enough;

    RecordingProtocol(EventLoop loop) {
        this.loop = loop;
        made = loop.createFuture();
        eof = loop.createFuture();
        lost = loop.createFuture();
        paused = loop.createFuture();
        resumed = loop.createFuture();
    }

    RecordingProtocol keepOpen() {
        keepOpen = true;
        return this;
    }

    RecordingProtocol pauseOnConnect() {
        pauseOnConnect = true;
        return this;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        events.add("made");
        if (pauseOnConnect) t.pauseReading();
        made.setResult(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (events.isEmpty() || !events.getLast().equals("data")) events.add("data");
        byte[] b = new byte[data.remaining()];
        data.get(b);
        received.writeBytes(b);
        if (enough != null && received.size() >= wanted) {
            enough.setResult(null);
            enough = null;
        }
    }

    @Override
    public boolean eofReceived() {
        events.add("eof");
        eof.setResult(null);
        return keepOpen;
    }

    @Override
    public void connectionLost(Throwable exc) {
        events.add(exc == null ? "lost" : "lost " + exc.getClass().getSimpleName());
        if (enough != null) {
            enough.setException(new EOFException("connection lost after " + received.size() + " of " + wanted + " bytes"));
            enough = null;
        }
        lost.setResult(exc);
    }

    @Override
    public void pauseWriting() {
        events.add("pause");
        pauses++;
        if (!paused.done()) paused.setResult(transport.getWriteBufferSize());
    }

    @Override
    public void resumeWriting() {
        events.add("resume");
        resumes++;
        if (!resumed.done()) resumed.setResult(transport.getWriteBufferSize());
    }

    /** Waits until at least {@code n} bytes have arrived; returns all received so far. */
    byte[] awaitBytes(int n) throws Exception {
        if (received.size() < n) {
            wanted = n;
            enough = loop.createFuture();
            enough.await();
        }
        return received.toByteArray();
    }

    String text() {
        return received.toString();
    }

    // ---- connecting ---------------------------------------------------------------------------------

    /** Both ends of one loopback TCP connection made through createServer and createConnection. */
    record Pair(SocketAddress serverAddress, RecordingProtocol client, RecordingProtocol accepted) {}

    /** Connects {@code client} to a new server whose one connection gets {@code accepted}. */
    static Pair connect(RecordingProtocol accepted, RecordingProtocol client) throws Exception {
        return new Pair(connectAny(accepted, client), client, accepted);
    }

    /**
     * Connects {@code client}, any protocol, to a new server whose one connection gets
     * {@code accepted}; the server stops listening once it has accepted it. Returns its address.
     */
    static SocketAddress connectAny(RecordingProtocol accepted, Protocol client) throws Exception {
        EventLoop loop = Asyncio.getRunningLoop();
        Server server = loop.createServer(() -> accepted, "127.0.0.1", 0);
        SocketAddress address = server.sockets().getFirst();
        loop.createConnection(() -> client, "127.0.0.1", port(address));
        accepted.made.await();
        server.close();
        return address;
    }

    static int port(Server s) {
        return port(s.sockets().getFirst());
    }

    static int port(SocketAddress a) {
        return ((InetSocketAddress) a).getPort();
    }

    /** A deterministic byte pattern, so a lost, duplicated or reordered byte shows. */
    static byte[] pattern(int offset, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ((offset + i) % 251);
        return b;
    }

    /**
     * Writes chunks of {@link #pattern} through {@code writer}'s transport until its write buffer
     * holds more than {@code atLeast} bytes (the peer must not be reading); returns how many
     * bytes were written.
     */
    static int fill(RecordingProtocol writer, int atLeast) {
        int chunk = 256 * 1024, written = 0;
        while (writer.transport.getWriteBufferSize() <= atLeast) {
            if (written > 512 << 20) throw new AssertionError("wrote 512 MiB and the buffer is still at "
                    + writer.transport.getWriteBufferSize() + ": is the peer reading?");
            writer.transport.write(pattern(written, chunk));
            written += chunk;
        }
        return written;
    }
}
